## Closing the loop: the commune's satisfaction when it confirms, and the auto-close of answered
## tickets nobody confirms. Durations ($after, $reopenWithin) come formatted with closure-working-days
## or closure-working-hours; dates ($closeAt, $until) as "hh:mm dd/mm/yyyy".

satisfaction-hai_long = Satisfied
satisfaction-tam_duoc = Acceptable
satisfaction-chua_hai_long = Not satisfied

closure-working-days = { $n ->
    [one] 1 working day
   *[other] { $n } working days
}
closure-working-hours = { NUMBER($n, maximumFractionDigits: 1) } working hours

closure-question = Is the commune satisfied with the answer to { $code }?
closure-question-typed = Reply with a number: 1 — Satisfied, 2 — Acceptable, 3 — Not satisfied (or type /xong { $code } 1, 2 or 3).
closure-thanks = Thank you! The commune's rating "{ $answer }" for { $code } is recorded.
closure-already-rated = { $code } has already been rated; each ticket is rated once.
closure-invalid-choice = Not understood. Please type 1 (Satisfied), 2 (Acceptable) or 3 (Not satisfied).
closure-reminder = ⏰ { $code } has been answered but the commune has not confirmed. Without a reply it closes automatically at { $closeAt }. Agree: press "Đồng ý" or type /xong { $code }. Disagree: /molai { $code } &lt;reason&gt;.
closure-auto-closed = { $code } was closed automatically (taken as resolved): the commune neither confirmed nor reopened it within { $after }. If the problem remains, the commune may still reopen it until { $until }: /molai { $code } &lt;reason&gt;.
closure-reopen-expired = { $code } was closed automatically and can no longer be reopened (the window ended { $until }). If the problem remains, please send a new report with /baocao.

help-commune-satisfaction = • When confirming (/xong), the commune is asked one question: satisfied, acceptable or not satisfied with the answer.
help-commune-auto-close = • An answered ticket the commune neither confirms nor reopens within { $after } closes automatically (after one reminder); the commune may still reopen it for { $reopenWithin }.
