## Shared vocabulary: statuses, priorities, roles.

status-new = New
status-claimed = Claimed by the support team
status-assigned = Sent to a department
status-answered = Answered
status-resolved = Resolved
status-returned = Returned by the department
status-reopened = Reopened by the commune
status-escalated_central = Raised to the central level
status-rejected = Out of scope / duplicate

priority-khan = Urgent
priority-thuong = Normal
priority-phuc_tap = Complex

due-ok = On time
due-soon = Due soon
due-overdue = Overdue
