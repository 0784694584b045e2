## Workflow guards: unknown or inactive departments and categories, tickets outside the chat's
## units, and reminders for tickets the support team holds (claimed, returned).

refusal-unknown_department = There is no department “{ $department }” to route ticket { $code } to. Departments taking tickets: { $codes }.
refusal-department_inactive = { $department } does not take tickets now; ticket { $code } was not routed. Departments taking tickets: { $codes }.
refusal-unknown_category = There is no category “{ $category }” for ticket { $code }.

ticket-not-found-for-you = Ticket { $code } is not among the tickets your unit can see.

reminder-returned-item = • <b>{ $code }</b> · { $commune } · returned by the department { $at } ({ $age })
reminder-claimed-title = ⏰ <b>{ $count } claimed tickets not yet routed</b>
reminder-claimed-item = • <b>{ $code }</b> · { $commune } · claimed by { $claimant } { $at } ({ $age })
reminder-lead-title = ⚠️ <b>For the team lead: { $count } tickets held by the support team too long</b> — { $leads }
reminder-lead-claimed-item = • <b>{ $code }</b> · { $commune } · claimed by { $claimant } { $at } ({ $age }), not routed
reminder-lead-returned-item = • <b>{ $code }</b> · { $commune } · returned { $at } ({ $age }), nobody has claimed it
