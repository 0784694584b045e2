## Closing the loop: the commune's satisfaction when it confirms, and the auto-close of answered
## tickets nobody confirms. Durations ($after, $reopenWithin) come formatted with closure-working-days
## or closure-working-hours; dates ($closeAt, $until) as "dd/mm/yyyy hh:mm".

satisfaction-hai_long = Satisfied
satisfaction-tam_duoc = Acceptable
satisfaction-chua_hai_long = Not satisfied

closure-working-days = { $n ->
    [one] 1 working day
   *[other] { $n } working days
}
closure-working-hours = { NUMBER($n, maximumFractionDigits: 1) } working hours

closure-question = Is the commune satisfied with the answer to { $code }?
closure-question-typed = Or type: /xong { $code } 1 (Satisfied), 2 (Acceptable) or 3 (Not satisfied).
closure-thanks = Thank you! The commune's rating "{ $answer }" for { $code } is recorded.
closure-invalid-choice = The rating for { $code } was not understood; nothing changed. Please type /xong { $code } 1 (Satisfied), 2 (Acceptable) or 3 (Not satisfied); to confirm only, type /xong { $code }.
closure-reminder = ⏰ { $code } has been answered but the commune has not confirmed. Without a reply it closes automatically at { $closeAt }. Agree: choose "Đồng ý" or type /xong { $code }. Disagree: /molai { $code } &lt;reason&gt;.
closure-auto-closed = { $code } was closed automatically (taken as resolved): the commune neither confirmed nor reopened it within { $after }. If the problem remains, the commune may still reopen it until { $until }: choose "Chưa đồng ý" or type /molai { $code } &lt;reason&gt;.
closure-auto-closed-title = Answered tickets the commune did not confirm, now closed automatically ({ $count }):
closure-auto-closed-item = • { $code } · { $commune }

card-satisfaction = Commune's rating: { $answer }
card-auto-closed = Closed automatically; the commune may reopen it until { $until }

event-satisfaction_recorded = Commune rated the answer
event-auto_close_reminded = Commune reminded to confirm (ticket about to close automatically)
event-auto_closed = Closed automatically (not confirmed by the commune)

help-commune-satisfaction = • When confirming (/xong), the commune is asked one question: satisfied, acceptable or not satisfied with the answer.
help-commune-auto-close = • An answered ticket the commune neither confirms nor reopens within { $after } closes automatically (after one reminder); the commune may still reopen it for { $reopenWithin }.
