# Choices as numbered lists, prompts that wait for the next message, and hints in private chats.

choices-typed-header = Reply with a number:
prompt-next-message = ✍️ Send the text in your next message (within { $minutes } minutes).
prompt-expired = The wait for your text has ended. Choose the action again or type the full command (type trogiup for the commands).
choice-none = No choices are waiting for a number. Type trogiup for the commands.
choice-stale = These choices have expired or were used. Type the command again (e.g. phieu HY-0001) for new choices.
choice-foreign = The choices waiting here belong to someone else in the group. Type your own command to get yours.
choice-out-of-range = The choices go from 1 to { $max }. Please type the number again.
private-unlinked-hint = This account is not linked to a commune or department yet. If an admin gave you a link code, send: lienket CODE (e.g. lienket K7Q2MX). Type trogiup for help.
private-hint = I did not understand. Type trogiup for the commands, e.g. baocao <text> to file a report, phieu HY-0001 to see a ticket.
files-not-delivered = 📎 { $count } attachment(s) could not be sent through this channel. See ticket { $code } on the web desk or ask the support team to send them again.

# A burst of new reports: one rolling message for the support team instead of a card each.
summary-title = 🆕 { $count } new reports: { $first } … { $last }
summary-hint = Choose a ticket code to open its card, or type /nhan { $example }, /chuyen { $example } <department>, /phieu { $example }.
summary-hint-compact = Type /phieu { $example } to see a ticket, /nhan { $example } to claim it, /chuyen { $example } <department> to route it.
