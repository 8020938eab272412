# Coding of open answers ("Other (please specify)"): crates/web/src/census/coding.rs

coding-title = Coding of open answers
coding-link = Coding of open answers ("Other (please specify)")
coding-data-control = Data control
coding-lead = The free-text answers to the "Other (please specify)" questions become variables with one code per answer: for each question a list of codes (the codebook), and for each answer not yet coded a code suggested from similar answers already coded. The clean answers are coded, with the secretariat's corrections.
coding-no-questions = The questionnaire of this campaign has no free-text "Other" questions.
coding-questions = Free-text questions
coding-question = Question
coding-repeat = Repeated section
coding-answers = Answers
coding-distinct = Distinct answers
coding-coded = Coded
coding-uncoded = To code
coding-uncoded-n = { $n } to code
coding-variables-note = In the downloads of the clean data, each question with a codebook has one more column, named after the question followed by "_codice" (e.g. A3_altro_codice), holding the code given to the answer.
coding-question-lead = The code given to each answer is the variable { $variable } of the clean data. Answers that differ only in case, accents and punctuation are grouped; an answer that is corrected goes back to be coded.
coding-codebook = Codes
coding-codebook-empty = No code for this question yet: add the first one below.
coding-code = Code
coding-label = Label
coding-description = Description
coding-retired = retired
coding-retire = Retire
coding-add-title = New code
coding-code-help = Capital letters, digits and _, e.g. VICESINDACO. When empty, it is made from the label.
coding-add = Add the code
coding-frequencies = Code frequencies
coding-frequencies-none = No answer is coded.
coding-answers-title = Answers to code
coding-answers-lead = Tick the answers to code and choose the code of each (the suggested code is already chosen), or one code for all the ticked answers. The code goes to every answer of the group.
coding-answers-none = No answer to this question.
coding-truncated = Only the first 300 groups of answers are shown, those to code first.
coding-tick = Select
coding-answer = Answer
coding-comuni = Comuni
coding-current = Current code
coding-suggested = Suggested (similarity)
coding-variants = Also written
coding-code-for = Code for
coding-all = One code for all the ticked answers
coding-all-row = The code chosen on each row
coding-all-help = A code chosen here applies to every ticked row.
coding-assign = Code the ticked answers
coding-assigned = { $n ->
    [one] One answer coded.
   *[other] { $n } answers coded.
}
coding-assign-none-ticked = No answer ticked (or no code chosen): nothing changed.
coding-invalid = The chosen code is not an active code of this question.
coding-error-code = The code must be capital letters, digits and _, start with a letter and be at most 32 characters long.
coding-error-label = The label is required.
coding-error-too-long = The text is too long.
coding-error-exists = The code { $code } already exists for this question.
