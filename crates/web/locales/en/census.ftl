# Census of Comuni: questionnaires (XLSForm)
nav-census = Census
census-forms-title = Census questionnaires
census-forms-lead = Questionnaires are XLSForm files, the standard of ODK and KoboToolbox: prepare them in Excel or LibreOffice and upload them here. Every upload creates a new version, which never changes again; every response remembers the version it answers.
census-forms-list = Questionnaires
census-forms-none = No questionnaire uploaded.
census-form-id = Identifier (form_id)
census-versions = Versions
census-version = Version
census-status = Status
census-published = Published
census-draft = Draft
census-imported = Uploaded on
census-questions = Questions
census-pages = Pages
census-languages = Languages
census-sha256 = SHA-256 fingerprint of the file
census-upload-title = Upload a questionnaire
census-upload-help = An .xlsx file with the sheets survey, choices and settings. If the file has errors they are all listed, with sheet, row and column, and nothing is saved.
census-upload-file = XLSForm file (.xlsx)
census-upload-submit = Check and upload
census-upload-invalid = The file { $file } is not a valid XLSForm: nothing was saved.
census-upload-problems = { $count ->
    [one] One problem was found. Fix it in the file and upload it again.
   *[other] { $count } problems were found. Fix them in the file and upload it again.
}
census-problems-caption = Problems found in the file
census-sheet = Sheet
census-column = Column
census-problem = Problem
census-warning = Warning
census-version-exists = Questionnaire { $form } already has a version { $version }: a version never changes. Change the version value on the settings sheet and upload the file again.
census-download-original = Download the original file
census-download-export = Export as XLSForm
census-publish = Publish this version
census-publish-help = A published version can be used in survey campaigns. Publication cannot be undone and the version stays immutable.
census-structure = Structure
census-choices = Choice lists
census-name = Name
census-label = Text
census-required = Required
census-relevant = Condition
census-constraint = Constraint
census-kind-group = group
census-kind-repeat = repeat group

# XLSForm import problems (argine_domain::census::xlsform::FormErrorKind)
xlsform-unreadable = The file cannot be read as a spreadsheet: { $message }
xlsform-missing-sheet = The sheet “{ $sheet }” is missing.
xlsform-missing-column = The column “{ $column }” is missing.
xlsform-duplicate-column = The column “{ $column }” appears twice.
xlsform-too-many-rows = The sheet has { $rows } rows; at most { $max } are accepted.
xlsform-missing-type = The row has no type (type column).
xlsform-unknown-type = Unknown question type: “{ $value }”.
xlsform-missing-name = The question, group or repeat has no name (name column).
xlsform-invalid-name = Invalid name: “{ $name }”. A name starts with a letter or _ and holds only letters, digits, _, - and dots, no spaces.
xlsform-duplicate-name = The name “{ $name }” is already used in the same group: names must be unique.
xlsform-reserved-name = The name “{ $name }” is reserved.
xlsform-duplicate-repeat-name = Two repeat groups are named “{ $name }”: repeat names must be unique in the whole questionnaire.
xlsform-repeat-named-like-form = The repeat group “{ $name }” has the same name as the questionnaire.
xlsform-unmatched-end = “end_{ $control }” without an open “begin_{ $control }”.
xlsform-unmatched-begin = “begin_{ $control }” “{ $name }” is never closed by “end_{ $control }”.
xlsform-unknown-list = The choice list “{ $list }” is not on the choices sheet.
xlsform-no-choices-sheet = The sheet “{ $sheet }” with the list “{ $list }” is missing.
xlsform-duplicate-choice = In the list “{ $list }” the choice “{ $name }” appears twice.
xlsform-missing-choice-name = In the list “{ $list }” a choice has no name.
xlsform-choice-name-with-space = In the list “{ $list }” the name “{ $name }” has a space: not allowed in a multiple-choice question.
xlsform-missing-label = The question “{ $name }” has neither text (label) nor hint.
xlsform-missing-calculation = The calculation “{ $name }” has no formula (calculation column).
xlsform-or-other-with-choice-filter = The question “{ $name }” uses or_other together with choice_filter, which do not go together.
xlsform-bad-reference = Badly written reference: it must be ${"{"}name{"}"}.
xlsform-unknown-reference = The reference ${"{"}{ $name }{"}"} matches no question.
xlsform-ambiguous-reference = The reference ${"{"}{ $name }{"}"} is ambiguous: several questions have this name.
xlsform-invalid-expression = Invalid expression: { $message }
xlsform-missing-choice-label = In the list “{ $list }” the choice “{ $name }” has no text.
xlsform-unsupported-type = The type “{ $value }” is accepted but argine does not show it in the web form.
xlsform-name-case-clash = The name “{ $name }” differs from another only in upper and lower case.
xlsform-repeat-without-label = The repeat group “{ $name }” has no title.

# Campaigns
census-tabs = Census sections
census-campaigns-title = Survey campaigns
census-campaigns-none = No campaign.
census-questionnaire = Questionnaire
census-opens-on = Opening
census-deadline = Deadline
census-campaign-draft = Being prepared
census-campaign-open = Open
census-campaign-closed = Closed
census-invited = Comuni invited
census-opened = Opened the link
census-started = Started
census-submitted = Submitted
census-rate = Response rate
census-by-region = Progress by region
census-region = Region
census-total = Total

# The response form (secret link)
census-link-title = Census questionnaire
census-link-unknown = This link matches no invitation. Check that you copied all of it from the e-mail, or ask the secretariat for a new link.
census-link-expired = This link is no longer valid: it expired or was replaced. Ask the secretariat for a new link.
census-link-closed = The survey is closed: answers are no longer accepted.
census-respond-deadline = To be filled in by { $date }. Answers are saved with every page: you can stop and resume from the same link, on another device too.
census-respond-pages = Pages of the questionnaire
census-respond-summary = Summary and submission
census-respond-errors = { $count ->
    [one] There is one problem to fix.
   *[other] There are { $count } problems to fix.
}
census-respond-saved = Answers saved.
census-respond-prev = Previous page
census-respond-save = Save draft
census-respond-next = Save and continue
census-respond-to-summary = Save and go to the summary
census-respond-page-ok = complete
census-respond-submit = Submit the questionnaire
census-respond-submit-help = After submission the answers cannot be changed; to correct them, ask the secretariat to reopen the questionnaire.
census-respond-submitted = Questionnaire submitted on { $when }. Thank you.
census-required-field = (required)
census-instance = { $what }: no. { $n }
census-add-instance = Add: { $what }
census-remove-instance = Remove
census-already-submitted = The questionnaire has already been submitted.
census-issue-required = An answer is required.
census-issue-constraint = The value is not accepted.
census-issue-invalid-integer = Write a whole number, without dots or commas.
census-issue-invalid-decimal = Write a number (e.g. 2.5).
census-issue-invalid-date = Write a valid date.
census-issue-unknown-choice = Pick one of the options offered.
census-issue-invalid-geopoint = Write the position as latitude and longitude (e.g. 41.56 15.91).
census-issue-too-long = The text is too long (at most 10,000 characters).
census-export-xlsx = Export the responses (XLSX, codes)
census-export-xlsx-labels = Export the responses (XLSX, labels)
census-export-csv = Export the responses (CSV)
census-export-json = Export the responses (JSON)
census-export-xlsx-clean = Export the clean data (XLSX, labels)
census-export-json-clean = Export the clean data (JSON)
census-export-istat = ISTAT code
census-export-pec = PEC
census-export-email = E-mail
census-export-last-contact = Last contact
census-contact-channel = Channel
census-last-contact = Last contact
census-comuni-export-csv = Download the list (CSV)
census-comuni-export-xlsx = Download the list (XLSX)
census-comuni-title = Comuni of the campaign
census-comuni-link = List of the Comuni: who has not answered yet, with their addresses
census-comuni-count = { $count ->
    [one] One Comune.
   *[other] { $count } Comuni.
}
census-comune = Comune
census-province = Province
census-all-regions = All regions
census-filter = Filter
census-filter-da-sollecitare = To follow up (not submitted)
census-filter-in-corso = Being filled in
census-filter-inviati = Submitted
census-filter-tutti = All
census-status-invited = Invited
census-status-opened = Opened the link
census-status-started = Being filled in
census-status-submitted = Submitted
census-reopen = Reopen
census-reopen-reason = Reason for reopening, { $comune }
census-reopen-placeholder = Reason (e.g. correction asked by the Comune)
census-reopen-reason-required = Write the reason for reopening (at least 5 characters): it stays in the activity log.
census-reopened = Questionnaire reopened: the Comune can correct it through its link and submit it again.

# Census documents (PDF): the compilation guide and the receipt
census-doc-guide = Compilation guide
census-doc-receipt = Receipt of the submitted questionnaire
census-doc-campaign = Survey
census-doc-comune = Comune
census-doc-deadline = Deadline
census-doc-questions = Questions
census-doc-submitted = Submitted on
census-doc-revision = Revision
census-doc-version = Questionnaire version
census-doc-answered = Questions answered
census-doc-conditional = only in some cases
census-doc-repeat-hint = This part repeats: fill it in once for each item (for example for each settlement).
census-doc-empty = No answers.
census-doc-guide-intro-1 = The questionnaire is filled in online, from the personal link the Comune received by e-mail: no account is needed. A draft can be saved at any time and resumed later, also from another device, with the same link.
census-doc-guide-intro-2 = This guide lists every question, with its explanation and possible answers, so that the information can be gathered before filling in. Questions marked * are required; those "only in some cases" appear only when earlier answers make them relevant.
census-doc-guide-intro-3 = Before submitting, a summary page shows any missing answers. After submitting, the receipt can be downloaded as PDF; to correct a submitted questionnaire, ask the survey secretariat to reopen it.
census-doc-receipt-closing = This document reproduces the submitted answers. SHA-256 fingerprint of the answers: { $fingerprint }.
census-doc-kind-text = text
census-doc-kind-integer = whole number
census-doc-kind-decimal = number
census-doc-kind-date = date
census-doc-kind-time = time
census-doc-kind-datetime = date and time
census-doc-kind-select_one = one answer
census-doc-kind-select_multiple = one or more answers
census-doc-kind-acknowledge = confirmation
census-doc-kind-geopoint = position (coordinates)
census-doc-kind-other = other
census-download-guide = Download the compilation guide (PDF)
census-download-receipt = Download the receipt (PDF)

# Census e-mails (sent to the Comune's PEC or e-mail)
census-mail-invitation-subject = { $campaign }: questionnaire for the Comune of { $comune }
census-mail-invitation-body = Dear Comune of { $comune },

    please fill in the questionnaire "{ $campaign }" by { $deadline }.

    The questionnaire is filled in online from this link, reserved for your Comune (no account needed; do not forward it outside your administration):
    { $link }

    A draft can be saved and resumed later, also from another device, with the same link. The compilation guide, with every question, is attached so that the information can be gathered before starting.

    Thank you for your cooperation.
    The survey secretariat — { $instance }
census-mail-reminder-subject = Reminder: { $campaign } — questionnaire of the Comune of { $comune }
census-mail-reminder-body = Dear Comune of { $comune },

    we have not yet received the questionnaire "{ $campaign }", due by { $deadline }. If you are filling it in, your saved answers are waiting at the same link:
    { $link }

    The compilation guide is attached. If the questionnaire has been submitted in the meantime, please ignore this message.

    The survey secretariat — { $instance }

# New campaign
census-new-title = New survey campaign
census-new-link = New campaign
census-new-lead = A campaign sends a published questionnaire to a set of Comuni. Each Comune receives a personal link by e-mail (PEC or e-mail) on the opening day, and the planned reminders until it submits the questionnaire.
census-new-refused = The campaign was not created. Please correct the following problems:
census-new-universe = Comuni to invite
census-new-scope-all = All current Comuni
census-new-scope-regions = The Comuni of the chosen regions
census-new-scope-provinces = The Comuni of the chosen provinces
census-new-scope-list = A list of Comuni
census-new-regions = Regions
census-new-provinces = Provinces
census-new-codes = List of Comuni (ISTAT or cadastral codes)
census-new-codes-help = Separated by spaces, commas or new lines. Codes of merged or recoded Comuni are accepted: the current Comune is invited.
census-new-pop-min = Population from (inhabitants)
census-new-pop-max = Population up to (inhabitants)
census-new-schedule = Schedule
census-new-reminders = Number of reminders
census-new-reminder-days = Days between a message and the reminder
census-new-accept-late = Accept answers after the deadline, until closing
census-new-contacts = Addresses of the Comuni (CSV or XLSX, optional)
census-new-contacts-help = Columns: comune (ISTAT code, cadastral code or name), pec, email. Each row must name an invited Comune. Comuni without an address get their link only from the campaign page.
census-new-submit = Create the campaign
census-new-created = Campaign created: { $count } Comuni invited, { $with } with an address.
census-new-error-name = Give the campaign a name (at most 200 characters).
census-new-error-version = Choose a published questionnaire.
census-new-error-opens = The opening date is not valid.
census-new-error-deadline = The deadline is not valid.
census-new-error-order = The deadline cannot come before the opening.
census-new-error-reminders = The number of reminders goes from 0 to 5.
census-new-error-reminder-days = The days between a message and the reminder go from 1 to 60.
census-new-error-population = Population must be a whole number of inhabitants.
census-new-error-no-regions = Choose at least one region.
census-new-error-no-provinces = Choose at least one province.
census-new-error-no-codes = Give at least one Comune code.
census-new-error-unknown-code = The code "{ $code }" matches no Comune.
census-new-error-scope = Choose which Comuni to invite.
census-new-error-empty = No Comune matches the chosen criteria.
census-new-error-file = The address file cannot be read: { $reason }
census-new-error-columns = The address file needs a "comune" column and at least one of "pec" and "email".
census-new-error-ambiguous = Row { $row }: "{ $value }" may mean several Comuni ({ $candidates }); use the ISTAT code.
census-new-error-not-in-universe = Row { $row }: "{ $value }" is not among the invited Comuni.
census-new-error-duplicate = Row { $row }: "{ $value }" already appears on row { $first }.
census-new-error-address = Row { $row }: "{ $value }" is not a valid mail address.

# Follow-up of a Comune: e-mails and contact log
census-territory-page = Territory page
census-mails = Messages sent
census-mails-none = No message sent so far.
census-mail-kind = Message
census-mail-channel = Channel
census-mail-when = Date
census-mail-kind-invitation = Invitation
census-mail-kind-reminder = Reminder
census-mail-status-queued = queued
census-mail-status-running = sending
census-mail-status-done = sent
census-mail-status-failed = failed
census-mail-retry = Retry sending
census-mails-summary = Messages of the campaign
census-mails-failed = Failed sends
census-contacts = Contact log
census-contacts-none = No contact recorded.
census-contact-add = Record a contact
census-contact-outcome = Outcome
census-contact-note = Note
census-contact-save = Record
census-contact-channel-phone = Phone
census-contact-channel-email = E-mail
census-contact-channel-pec = PEC
census-contact-channel-visit = Meeting
census-contact-channel-other = Other
census-contact-outcome-reached = Spoke with the contact person
census-contact-outcome-no_answer = No answer
census-contact-outcome-promised = Promised to fill in
census-contact-outcome-refused = Refused
census-contact-outcome-wrong_contact = Wrong contact
census-contact-outcome-other = Other
census-contact-last = Last contact
census-contact-invalid = Invalid contact channel or outcome.
census-contact-too-long = The note is too long (at most 2000 characters).
census-campaign-close = Close the campaign
census-campaign-close-help = On closing, the Comuni's links stop working and no further message is sent. Submitted answers remain.
census-campaign-not-open = The campaign is not open.
census-campaign-created = Campaign created. Invitations go out on the opening day to the Comuni with an address.
census-campaign-late = After the deadline

# Import of responses collected elsewhere (argine_domain::census::import)
census-import-title = Import responses collected elsewhere
census-import-link = Import responses (KoboToolbox, LimeSurvey, Excel)
census-import-help = An XLSX or CSV export of KoboToolbox, of LimeSurvey (question-code headings) or of argine, with columns named as the questionnaire's questions. Every row must name the Comune (ISTAT code, cadastral code or name). The file is checked whole first and changes nothing; after the check you import it all or nothing.
census-import-unreadable = The file cannot be read: { $reason }
census-import-summary = Format recognised: { $format }. Responses ready: { $rows }. Problems: { $errors }.
census-import-format-argine = argine export
census-import-format-kobo = KoboToolbox
census-import-format-limesurvey = LimeSurvey
census-import-format-plain = table with one column per question
census-import-has-errors = The file has errors: correct them and upload it again. Nothing was imported.
census-import-warnings = { $count ->
    [one] One warning
   *[other] { $count } warnings
}
census-import-ambiguous = Comuni to choose
census-import-which = Row { $row }: which Comune?
census-import-confirm-help = The file has no errors. On import, every row becomes the submitted questionnaire of its Comune.
census-import-unresolved = Choose the Comune of every ambiguous row.
census-import-nothing = Nothing was imported.
census-import-already-submitted = Row { $row }: the Comune of { $comune } has already submitted (reopen it first to replace it).
census-import-done = { $count } responses imported.
census-import-empty = The file has no data rows.
census-import-invalid-form = The questionnaire cannot be applied: { $message }
census-import-no-comune-column = The Comune column is missing (ISTAT code, cadastral code or name).
census-import-comune-column-not-found = There is no Comune column "{ $column }".
census-import-no-link-column = The sheet of the repeat "{ $repeat }" has no column linking it to the responses (such as _parent_index).
census-import-comune-missing = The Comune is not given.
census-import-comune-not-found = "{ $value }" is not among the campaign's Comuni.
census-import-suggestions = Perhaps: { $suggestions }.
census-import-duplicate-comune = The Comune { $comune } already appears on row { $first_row }.
census-import-bad-resolution = The choice "{ $istat }" is not among the possible Comuni.
census-import-incomplete = Incomplete response (not submitted in the source tool).
census-import-orphan-row = The row is linked to no response of the main sheet ({ $parent }).
census-import-bad-instance-number = "{ $value }" is not a row number of the repeat.
census-import-duplicate-instance = Row { $number } of the repeat appears twice.
census-import-too-many-instances = Too many rows in the repeat (at most { $max }).
census-import-required = The required answer "{ $field }" is missing.
census-import-constraint = "{ $value }" is not accepted for "{ $field }": { $message }
census-import-bad-integer = "{ $value }" is not a whole number.
census-import-bad-decimal = "{ $value }" is not a number.
census-import-bad-date = "{ $value }" is not a date (YYYY-MM-DD or DD/MM/YYYY).
census-import-unknown-choice = "{ $value }" is not one of the possible answers.
census-import-bad-geopoint = "{ $value }" is not a position (latitude longitude).
census-import-bad-flag = "{ $value }" is not a recognised yes/no value.
census-import-too-long = Text too long (at most { $max } characters).
census-import-unknown-column = The column is not a question of the questionnaire and is ignored.
census-import-duplicate-column = A second column for "{ $field }", ignored.
census-import-unknown-sheet = The sheet is not a repeat of the questionnaire and is ignored.
census-import-skipped-incomplete = Incomplete response, skipped.
census-map-title = { $campaign }: response rate by province
census-map-not-invited = No Comune invited
census-map-alt = Map of the provinces coloured by response rate; the same data are in the table by region.

# Questionnaires to fill in through the account (Comune referents)
census-mine-title = Questionnaires to fill in
census-mine-lead = The questionnaires of the open surveys for your organisation's Comuni. They are filled in as from the link received by e-mail: the saved answers are the same.
census-mine-none = No questionnaire to fill in for your organisation.
census-mine-open = Fill in

# Data control (raw and clean)
census-clean-link = Data control
census-clean-title = Data control
census-clean-lead = The control rules run over the clean responses (the responses the Comuni sent, with the secretariat's corrections). For each issue: correct the value, or accept it with a note if it is right. The original responses never change.
census-clean-open = Open
census-clean-accepted = Accepted
census-clean-all = All
census-clean-rule = Rule
census-clean-all-rules = All rules
census-clean-comune = Comune
census-clean-comune-code = ISTAT code of the Comune
census-clean-filter = Filter
census-clean-by-rule = Issues by rule
census-clean-by-comune = Comuni with the most open issues
census-clean-issues = Issues
census-clean-none = No issues found.
census-clean-none-here = No issues with these filters.
census-clean-truncated = The first 500 issues are shown: use the filters to see the others.
census-clean-accept = Accept the value
census-clean-accept-note = Note (why the value is right)
census-clean-accepted-note = Accepted
census-clean-accept-note-missing = Accepting a value needs a note explaining why it is right.
census-clean-accept-invalid = Invalid acceptance request.
census-clean-response-link = Raw and clean data, corrections
census-clean-response-title = raw and clean data
census-clean-response-lead = For each question: the value the Comune sent (raw) and the one the statistics use (clean). Corrections can be withdrawn: they stay in the history.
census-clean-follow-page = Comune's page
census-clean-not-submitted = The Comune has not submitted its response yet.
census-clean-values = Raw and clean values
census-clean-question = Question
census-clean-raw = Raw
census-clean-clean = Clean
census-clean-corrected = corrected
census-clean-correct = Correct
census-clean-correct-title = Correct a value
census-clean-path = Question (path)
census-clean-path-help = For example E3 of the second settlement: insediamenti[1]/E3 (instances count from 0). Also chosen with "Correct" in the table.
census-clean-new-value = New value
census-clean-new-value-help = Leave empty to remove the answer.
census-clean-old-value = Previous value
census-clean-source = Source
census-clean-reason = Reason
census-clean-save = Save the correction
census-clean-saved = Correction saved.
census-clean-history = Correction history
census-clean-history-none = No corrections.
census-clean-who = Who
census-clean-withdrawn = Withdrawn
census-clean-withdraw = Withdraw
census-clean-withdraw-reason = Reason for withdrawing (optional)
census-clean-instance = instance { $n }
census-clean-source-telefonata = Phone call
census-clean-source-documento = Document
census-clean-source-ricontatto = New contact with the Comune
census-clean-source-altro = Other
census-clean-error-path = The question given does not exist in this response: choose a question from the table.
census-clean-error-reason = The reason for the correction is required.
census-clean-error-too-long = The text is too long (2000 characters at most).
census-clean-error-source = Choose the source of the correction.
census-clean-error-unchanged = The new value is the same as the current one.
census-clean-not-submitted-error = The Comune has not submitted its response: there is nothing to correct.
census-rule-title-b3a-range = Stable workers out of range
census-rule-title-b3b-range = Seasonal workers out of range
census-rule-title-d3-range = Guests of a structure out of range
census-rule-title-e3-range = People in a settlement out of range
census-rule-title-e7-range = Distance from workplaces out of range
census-rule-title-e5-future = Year of formation in the future
census-rule-title-housing-without-workers = Housing without workers
census-rule-title-informali-without-settlements = Informal settlements declared but not described
census-rule-title-strutture-without-structures = Structures declared but not described
census-rule-title-n-insediamenti-count = Inconsistent number of settlements
census-rule-title-n-strutture-count = Inconsistent number of structures
census-rule-title-tot-persone-sum = Inconsistent total of people in settlements
census-rule-title-tot-ospiti-sum = Inconsistent total of guests in structures
census-rule-title-people-over-population = More people than residents
census-rule-title-settlement-twice = The same settlement twice
census-rule-title-settlement-in-neighbour = The same settlement in a neighbouring Comune
census-rule-title-e3-outlier = Unusual number of people
census-rule-title-b3b-outlier = Unusual seasonal workers for the residents
census-rule-b3a-range = { $comune }: the number of stable workers is outside the expected range (0–20,000): { $values }.
census-rule-b3b-range = { $comune }: the number of seasonal workers is outside the expected range (0–50,000): { $values }.
census-rule-d3-range = { $comune }, structure { $instance }: the number of guests is outside the expected range (0–2,000): { $values }.
census-rule-e3-range = { $comune }, settlement { $instance }: the number of people is outside the expected range (1–10,000): { $values }.
census-rule-e7-range = { $comune }, settlement { $instance }: the distance from workplaces is outside the expected range (0–100 km): { $values }.
census-rule-e5-future = { $comune }, settlement { $instance }: the year of formation is in the future: { $values }.
census-rule-housing-without-workers = { $comune }: declared no foreign workers but describes structures or settlements ({ $values }).
census-rule-informali-without-settlements = { $comune }: indicated informal settlements but described none ({ $values }).
census-rule-strutture-without-structures = { $comune }: indicated structures but described none ({ $values }).
census-rule-n-insediamenti-count = { $comune }: the number of settlements does not match the instances filled in ({ $values }).
census-rule-n-strutture-count = { $comune }: the number of structures does not match the instances filled in ({ $values }).
census-rule-tot-persone-sum = { $comune }: the total of people in settlements does not match the sum of the instances ({ $values }).
census-rule-tot-ospiti-sum = { $comune }: the total of guests does not match the sum of the instances ({ $values }).
census-rule-people-over-population = { $comune }: { $people } people in settlements and structures, more than its { $population } residents.
census-rule-settlement-twice = { $comune }: the settlement "{ $name }" appears twice (instances { $first } and { $second }).
census-rule-settlement-in-neighbour = { $comune }: the settlement "{ $name }" is also reported by the neighbouring Comune of { $other } ("{ $other_name }").
census-rule-e3-outlier = { $comune }: { $value } people in a settlement, far from the typical value ({ $median }; robust score { $z }).
census-rule-b3b-outlier = { $comune }: { $value } seasonal workers, unusual for the residents (median per 1,000 residents { $median }; robust score { $z }).
