## Ingress: updates that could not be handled, and edited messages.

update-failed = Sorry, this request could not be handled. Please check it and send it again; if it still fails, tell an administrator.
edited-report-resend = Tickets are only created from new messages: please send /baocao with the details again in a new message (an edited message is not accepted).
edited-report-filed = Ticket { $code } was created from the original message; the edit does not change it. To add something, please send a new /baocao.
