## Closing the loop: the commune's satisfaction when it confirms, and the auto-close of answered
## tickets nobody confirms. Durations ($after, $reopenWithin) come formatted with closure-working-days
## or closure-working-hours; dates ($closeAt, $until) as "hh:mm dd/mm/yyyy".

satisfaction-hai_long = Hài lòng
satisfaction-tam_duoc = Tạm được
satisfaction-chua_hai_long = Chưa hài lòng

closure-working-days = { $n } ngày làm việc
closure-working-hours = { NUMBER($n, maximumFractionDigits: 1) } giờ làm việc

closure-question = Xã có hài lòng với câu trả lời của phiếu { $code } không?
closure-question-typed = Trả lời bằng số: 1 — Hài lòng, 2 — Tạm được, 3 — Chưa hài lòng (hoặc gõ /xong { $code } 1, 2 hoặc 3).
closure-thanks = Cảm ơn! Đã ghi nhận ý kiến "{ $answer }" của xã về phiếu { $code }.
closure-already-rated = Phiếu { $code } đã có ý kiến đánh giá; mỗi phiếu chỉ ghi nhận một lần.
closure-invalid-choice = Chưa rõ ý kiến. Xin gõ 1 (Hài lòng), 2 (Tạm được) hoặc 3 (Chưa hài lòng).
closure-reminder = ⏰ Phiếu { $code } đã được trả lời nhưng xã chưa xác nhận. Nếu không có ý kiến, phiếu sẽ tự động đóng lúc { $closeAt }. Đồng ý: bấm "Đồng ý" hoặc gõ /xong { $code }. Chưa đồng ý: /molai { $code } &lt;lý do&gt;.
closure-auto-closed = Phiếu { $code } đã tự động đóng (coi như đã giải quyết) vì xã không xác nhận hay mở lại sau { $after }. Nếu vấn đề chưa được giải quyết, xã vẫn có thể mở lại đến { $until }: /molai { $code } &lt;lý do&gt;.
closure-reopen-expired = Phiếu { $code } đã tự động đóng và đã hết thời hạn mở lại ({ $until }). Nếu vấn đề vẫn còn, xin gửi kiến nghị mới bằng /baocao.

help-commune-satisfaction = • Khi xác nhận (/xong), xã được hỏi một câu: Hài lòng, Tạm được hay Chưa hài lòng với câu trả lời.
help-commune-auto-close = • Phiếu đã trả lời mà xã không xác nhận hay mở lại sau { $after } sẽ tự động đóng (có nhắc trước một lần); sau đó xã vẫn mở lại được trong { $reopenWithin }.
