## Closing the loop: the commune's satisfaction when it confirms, and the auto-close of answered
## tickets nobody confirms. Durations ($after, $reopenWithin) come formatted with closure-working-days
## or closure-working-hours; dates ($closeAt, $until) as "dd/mm/yyyy hh:mm".

satisfaction-hai_long = Hài lòng
satisfaction-tam_duoc = Tạm được
satisfaction-chua_hai_long = Chưa hài lòng

closure-working-days = { $n } ngày làm việc
closure-working-hours = { NUMBER($n, maximumFractionDigits: 1) } giờ làm việc

closure-question = Xã có hài lòng với câu trả lời của phiếu { $code } không?
closure-question-typed = Hoặc gõ: /xong { $code } 1 (Hài lòng), 2 (Tạm được) hoặc 3 (Chưa hài lòng).
closure-thanks = Cảm ơn! Đã ghi nhận ý kiến "{ $answer }" của xã về phiếu { $code }.
closure-invalid-choice = Chưa rõ ý kiến về phiếu { $code }, phiếu chưa thay đổi. Xin gõ /xong { $code } 1 (Hài lòng), 2 (Tạm được) hoặc 3 (Chưa hài lòng); chỉ xác nhận thì gõ /xong { $code }.
closure-reminder = ⏰ Phiếu { $code } đã được trả lời nhưng xã chưa xác nhận. Nếu không có ý kiến, phiếu sẽ tự động đóng lúc { $closeAt }. Đồng ý: chọn "Đồng ý" hoặc gõ /xong { $code }. Chưa đồng ý: /molai { $code } &lt;lý do&gt;.
closure-auto-closed = Phiếu { $code } đã tự động đóng (coi như đã giải quyết) vì xã không xác nhận hay mở lại sau { $after }. Nếu vấn đề chưa được giải quyết, xã vẫn có thể mở lại đến { $until }: chọn "Chưa đồng ý" hoặc gõ /molai { $code } &lt;lý do&gt;.
closure-auto-closed-title = Phiếu đã trả lời nhưng xã không xác nhận, nay tự động đóng ({ $count }):
closure-auto-closed-item = • { $code } · { $commune }

card-satisfaction = Ý kiến của xã: { $answer }
card-auto-closed = Tự động đóng; xã có thể mở lại đến { $until }

event-satisfaction_recorded = Xã cho ý kiến về câu trả lời
event-auto_close_reminded = Nhắc xã xác nhận (phiếu sắp tự động đóng)
event-auto_closed = Tự động đóng (xã không xác nhận)

help-commune-satisfaction = • Khi xác nhận (/xong), xã được hỏi một câu: Hài lòng, Tạm được hay Chưa hài lòng với câu trả lời.
help-commune-auto-close = • Phiếu đã trả lời mà xã không xác nhận hay mở lại sau { $after } sẽ tự động đóng (có nhắc trước một lần); sau đó xã vẫn mở lại được trong { $reopenWithin }.
