# Queries to Comuni during data control (crates/web/src/census/query.rs and query_link.rs)

## Secretariat
census-query-ask = Ask the Comune
census-query-ask-short = Ask
census-query-new-title = Ask the Comune
census-query-new-lead = The message goes out at once with a private link for this query, valid for { $days } days even after the campaign has closed. The Comune answers through the link, with a text and possibly the right value; the answer shows among the campaign's queries.
census-query-issue = Issue
census-query-issue-gone = The issue is no longer among those the rules find (perhaps it was corrected already): a free query can still be sent.
census-query-to = Recipient
census-query-no-address = The Comune has neither a PEC nor an e-mail address in this campaign: the query cannot be sent. Add an address on the Comune's page, or call it.
census-query-question = Question
census-query-question-none = No particular question
census-query-question-help = With a question chosen, the Comune sees its current value and can propose the right one.
census-query-message = Message to the Comune
census-query-message-help = The text can be edited. The link to answer is added at the end of the e-mail.
census-query-send = Send the query
census-query-sent = Query sent: the e-mail is queued.
census-query-prefill =
    Dear Comune of { $comune },
    checking the data of the campaign "{ $campaign }" found this issue: { $issue }
    Could you check and answer through the link below, giving the right value if needed?
    Thank you.
census-query-prefill-question =
    Dear Comune of { $comune },
    checking the data of the campaign "{ $campaign }", we would like you to check the question "{ $question }" (value given: { $value }).
    Could you answer through the link below, giving the right value if needed?
    Thank you.
census-query-prefill-free =
    Dear Comune of { $comune },
    checking the data of the campaign "{ $campaign }", we would like to ask you:

    Thank you.
census-query-empty-value = no answer

census-query-list-title = Queries to Comuni
census-query-list-lead = The queries sent to Comuni during data control, with their answers. An answer with a proposed value can be applied as a correction (source: the Comune asked again), or the query is closed without change, with a note.
census-query-list-link = Queries to Comuni
census-query-list-none = No queries.
census-query-filter-all = All
census-query-sent-at = Sent
census-query-answered-at = Answered
census-query-mail = E-mail
census-query-status = Status
census-query-status-open = awaiting an answer
census-query-status-answered = answer received
census-query-status-closed = closed
census-query-outcome-corrected = closed with a correction
census-query-outcome-unchanged = closed without change
census-query-free = Free query
census-query-of-comune = Queries to this Comune

census-query-detail-title = Query no. { $id }
census-query-by = Sent by
census-query-expires = Link valid until
census-query-expired = link expired
census-query-opened = Link opened by the Comune
census-query-not-opened = not opened yet
census-query-answer = The Comune's answer
census-query-no-answer = The Comune has not answered yet.
census-query-proposed = Proposed value
census-query-no-proposed = No value proposed.
census-query-current = Current (clean) value
census-query-apply-title = Apply the proposed value
census-query-apply-lead = It becomes a correction with source "the Comune asked again" and the Comune's answer as its reason; the query is closed.
census-query-apply = Apply as a correction
census-query-close-title = Close without change
census-query-close-note = Note (why nothing changes)
census-query-close = Close the query
census-query-closed-on = Closed on
census-query-closed-by = by
census-query-correction = Correction
census-query-correction-reason = The Comune's answer to query no. { $id } of { $date }: "{ $answer }"
census-query-changed = The Comune's answer has changed or the query is closed already: reload the page.
census-query-not-submitted = The Comune has not submitted its questionnaire: there is nothing to ask about or correct.

census-query-mail-subject = { $campaign }: request to check, for the Comune of { $comune }
census-query-mail-body =
    { $message }

    To answer, open this link (valid until { $expires }, no account needed):
    { $link }

    The link is private to this query: do not forward it outside the office.

    Census secretariat — { $instance }

## Errors
census-query-error-message = The message to the Comune is required.
census-query-error-path = The chosen question does not exist in this response.
census-query-error-answer = Write your answer in the "Answer" field.
census-query-error-too-long = The text is too long (at most 2000 characters).
census-query-error-integer = The right value must be a whole number, for example 120.
census-query-error-number = The right value must be a number, for example 12.5.
census-query-error-note = Closing without change needs a note saying why.
census-query-error-no-address = { census-query-no-address }
census-query-error-unchanged = The proposed value is the current value: close the query without change.
census-query-error-no-proposed = The Comune has proposed no value to apply.

## Comune (link /richiesta/…)
census-query-link-title = Request from the census secretariat
census-query-link-unknown = This link matches no request. Check that you copied all of it from the e-mail.
census-query-link-expired = This link has expired. If you still need the request, write to the census secretariat.
census-query-link-closed = The secretariat has closed this request: nothing more is needed. Thank you.
census-query-answer-title = Request to check
census-query-answer-lead = The secretariat of the census "{ $campaign }" asks the Comune of { $comune } to check the data it sent.
census-query-answer-message = The secretariat's message
census-query-answer-question = The question
census-query-answer-current = Current value
census-query-answer-text = Answer
census-query-answer-text-help = Required. Say for instance whether the value is right, or where the right one comes from.
census-query-answer-value = Right value (optional)
census-query-answer-value-help = Only if the current value is wrong.
census-query-answer-send = Send the answer
census-query-answer-errors = The answer was not sent:
census-query-answer-again = You answered on { $when }. You can change the answer until the secretariat closes the request.
census-query-receipt-title = Answer received
census-query-receipt-lead = Thank you: the answer of the Comune of { $comune } was received on { $when }. The secretariat will look at it.
census-query-receipt-edit = Change the answer
