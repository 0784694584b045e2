## Ticket workflow: why an action was refused, and timeline labels of ticket events.
## Same variables as vi/workflow.ftl.

refusal-not_permitted_role = You are not allowed to do this with ticket { $code }.
refusal-person_required = Your account could not be identified, so ticket { $code } cannot be claimed.
refusal-not_your_department = Ticket { $code } is not assigned to your department.
refusal-not_your_commune = Ticket { $code } does not belong to your commune.
refusal-closed = Ticket { $code } is closed and can no longer change.
refusal-invalid_state = Ticket { $code } is “{ $status }”; this action is not possible now.
refusal-already_claimed = Ticket { $code } has already been claimed by { $name }.
refusal-already_yours = You have already claimed ticket { $code }.
refusal-department_required = Please choose a department for ticket { $code }.
refusal-same_department = Ticket { $code } is already assigned to that department.
refusal-no_change = Nothing changes for ticket { $code }.
refusal-reason_required = Please give a reason for ticket { $code }.
refusal-text_required = Please write something for ticket { $code }.
refusal-invalid_working_days = An extension must be a whole number of working days from 1 to { $max }.
refusal-extension_pending = Ticket { $code } already has an extension request waiting for approval.
refusal-no_pending_extension = Ticket { $code } has no extension request waiting for approval.
refusal-cannot_merge_into_self = Ticket { $code } cannot be merged into itself.
refusal-merge_target_closed = Ticket { $parent } is closed; { $code } cannot be merged into it.
refusal-merge_target_is_child = Ticket { $parent } is itself merged into another ticket; merge into that one instead.
refusal-already_confirmed = { $code } has already been confirmed as resolved; a ticket is confirmed once.
refusal-already_rated = { $code } has already been rated by the commune; a ticket is rated once.
refusal-not_confirmed = { $code } has not been confirmed yet. The commune rates the answer when it agrees with it: /xong { $code } 1, 2 or 3.
refusal-auto_closed = { $code } was closed automatically (taken as resolved); it needs no confirmation or rating.
refusal-reopen_window_ended = { $code } was closed automatically and can no longer be reopened (the window ended { $until }). If the problem remains, please send a new report with /baocao.

event-claimed = Claimed by the support team
event-unclaimed = Released by the support team
event-assigned = Sent to a department
event-transferred = Transferred to another department
event-priority_changed = Priority changed
event-central_flagged = Flagged for the central-level report
event-central_unflagged = Central-level flag removed
event-rejected = Out of scope / duplicate
event-merged = Merged into another ticket
event-escalated_central = Raised to the central level
event-note = Internal note
event-answered = Written answer from the department
event-answer_supplemented = Supplementary answer from the department
event-returned = Returned by the department: not its responsibility
event-extension_requested = Extension requested
event-extension_approved = Extension approved
event-extension_denied = Extension refused
event-snoozed = Department is working on it; remind later
event-confirmed = Commune confirmed it is resolved
event-reopened = Commune disagreed and reopened it
