## Ticket work: commands, buttons, notices to each group.

ticket-not-found = Ticket { $code } not found.
ticket-code-required = Please give a ticket code, e.g. { $example }

btn-claim = ✋ Claim
btn-assign = 🏛 Route
btn-priority = ⚡ Priority
btn-central = 🇻🇳 Central level
btn-central-off = Unflag central
btn-reject = ⛔ Reject
btn-merge = 🔗 Merge
btn-answer = ✍️ Answer
btn-return = ↩️ Not ours
btn-extension = ⏳ Ask for time
btn-snooze = 🔄 Working on it, remind later
btn-confirm = ✅ Accept
btn-reopen = ❗ Not satisfied
btn-approve-extension = ✅ Approve extension
btn-deny-extension = ❌ Refuse
btn-cancel = Close

button-stale = This button is no longer valid. Type /phieu &lt;code&gt; for the latest status.
picker-department = Choose the department for ticket { $code }:
picker-priority = Choose the priority of ticket { $code }:
prompt-reject = Reply to this message with the reason for rejecting { $code }, or type: /tuchoi { $code } &lt;reason&gt;
prompt-merge = Reply to this message with the parent ticket code to merge { $code } into, or type: /gop { $code } &lt;parent code&gt;
prompt-answer = Reply to this message with the answer to { $code } (photos and files welcome), or type: /traloi { $code } &lt;text&gt;
prompt-return = Reply to this message with why { $code } is not yours, or type: /tralai { $code } &lt;reason&gt;
prompt-extension = Reply to this message: &lt;working days&gt; &lt;reason&gt;, or type: /giahan { $code } &lt;days&gt; &lt;reason&gt;
prompt-reopen = Reply to this message with why you are not satisfied, or type: /molai { $code } &lt;reason&gt;
prompt-note = Reply to this message with an internal note for { $code }.

done-claimed = { $name } claimed ticket { $code }.
done-unclaimed = Ticket { $code } unclaimed.
done-assigned = Ticket { $code } sent to { $department }. Answer due: { $deadline }.
done-transferred = Ticket { $code } transferred to { $department }. Answer due: { $deadline }.
done-priority = Ticket { $code }: priority { $priority }.
done-central-on = Ticket { $code } is on the central-level list.
done-central-off = Ticket { $code } is off the central-level list.
done-rejected = Ticket { $code } rejected.
done-merged = Ticket { $code } merged into { $parent }.
done-escalated = Ticket { $code } raised to the central level.
done-note = Internal note added to { $code }.
done-answered = The answer to { $code } was sent to the commune.
done-returned = Ticket { $code } returned to the support team.
done-extension-requested = Asked to extend { $code } by { $days } working days; waiting for the support-team lead.
done-extension-approved = Extension of { $code } approved. New deadline: { $deadline }.
done-extension-denied = Extension of { $code } refused.
done-snoozed = Noted: { $code } is being worked on; the bot will remind you later.
done-confirmed = Thank you! Ticket { $code } is resolved.
done-reopened = Ticket { $code } sent back to { $department } with your reason.

notice-department-new = 📥 <b>New ticket assigned: { $code }</b>
    Commune: { $commune }
    Answer due: { $deadline }
    Answer in writing: choose "Answer", reply to this message, or /traloi { $code } &lt;text&gt;.
notice-department-transferred-away = Ticket { $code } was transferred elsewhere; no action needed.
notice-department-closed = Ticket { $code } was closed ({ $reason }); no action needed.
notice-department-reopened = ❗ <b>The commune is not satisfied with the answer to { $code }</b>
    Reason: { $reason }
    New deadline: { $deadline }
notice-department-extension = Extension request for { $code }: { $decision }. Deadline: { $deadline }.
notice-attachments = Attachments of ticket { $code }
notice-commune-assigned = Ticket { $code } was sent to <b>{ $department }</b>. Answer due: { $deadline }.
notice-commune-answer = 📨 <b>Answer to { $code }</b> from <b>{ $department }</b>:
    
    { $text }
    
    If satisfied, choose "Accept" or type /xong { $code }. If not: /molai { $code } &lt;reason&gt;.
notice-commune-rejected = Ticket { $code } was not accepted. Reason: { $reason }
notice-commune-merged = Ticket { $code } duplicates { $parent } and was merged; the answer to { $parent } will reach you.
notice-commune-escalated = Ticket { $code } is beyond the province's authority and was raised to the central level.
notice-support-returned = ↩️ <b>{ $department } returned { $code }</b>. Reason: { $reason }
notice-support-answered = ✍️ { $department } answered { $code }.
notice-support-reopened = ❗ The commune is not satisfied with { $code }; sent back to { $department }. Reason: { $reason }
notice-support-confirmed = ✅ The commune confirmed { $code } as resolved.
notice-support-auto-routed = 🤖 Ticket { $code } was routed automatically to { $department }.
notice-support-extension = ⏳ <b>{ $department } asks to extend { $code }</b> by { $days } working days.
    Reason: { $reason }
    { $leads }

status-title = <b>Ticket { $code }</b> · { $commune }
status-line = Status: <b>{ $status }</b>
status-department = Department: { $department }
status-deadline = Answer due: { $deadline } ({ $due })
status-claimant = Support team: { $name }
status-parent = Merged into { $parent }
status-children = Merged here: { $codes }
status-timeline = <b>Timeline</b>
status-event = • { $at } — { $label }{ $actor }{ $text }
list-title = <b>Open tickets ({ $count })</b>
list-empty = No open tickets.
list-item = • <b>{ $code }</b> · { $commune } · { $status }{ $due }
list-more = … and { $count } more.
leads-none = (No support-team lead yet: an admin uses /truongnhom to name one.)
lead-set = { $name } is now the support-team lead (approves extensions).
lead-usage = An admin replies to a member's message with /truongnhom to make them the support-team lead.

event-created = Report received

btn-category = 🏷 Category
picker-category = Choose the category of ticket { $code }:
done-category = Ticket { $code }: category { $category }.
offer-route = Send { $code } to the category's default department ({ $department })?
card-auto-routed = 🤖 Routed automatically from the suggested category.
event-category_changed = Category set

reminder-unclaimed-title = ⏰ <b>{ $count } tickets nobody has claimed</b>
reminder-unclaimed-item = • <b>{ $code }</b> · { $commune } · received { $at } ({ $age })
reminder-department-title = ⏰ <b>Reminder: { $department } has { $count } unanswered tickets</b>
reminder-department-item = • <b>{ $code }</b> · { $commune } · assigned { $age } ago · due { $deadline }{ $due }
reminder-short-item = • <b>{ $code }</b> · { $commune } · { $age }
reminder-department-short-item = • <b>{ $code }</b> · { $commune } · due { $deadline }{ $due }
reminder-department-footer = Answer: /traloi &lt;code&gt; &lt;text&gt; or reply to the ticket message. Extension: /giahan &lt;code&gt; &lt;days&gt; &lt;reason&gt;.
escalation-department-head = ⚠️ <b>Overdue</b> — for the attention of { $head }, head of { $department }:
escalation-department-no-head = ⚠️ <b>Overdue</b> — for the attention of the head of { $department }:
escalation-support-lead = ⚠️ <b>Overdue tickets without an answer</b> — { $leads }
escalation-leaders = 🔴 <b>For leaders: { $count } overdue tickets without an answer</b>
escalation-item = • <b>{ $code }</b> · { $commune } · { $department } · due { $deadline } — <b>overdue</b>
escalation-target-department_head = Department head told (overdue)
escalation-target-support_lead = Support-team lead told (overdue)
escalation-target-leaders = Leaders told (overdue)
event-escalated = Overdue: escalated
head-set = Overdue escalations for { $department } will name: { $head }.
head-usage = Usage: /truongso &lt;department code&gt; &lt;@username or full name&gt;
age-days = { $n } working days
age-hours = { $n } working hours
age-minutes = { $n } minutes
