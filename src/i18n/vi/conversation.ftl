# Choices as numbered lists, prompts that wait for the next message, and hints in private chats
# (channels without buttons or force reply, such as Zalo).

choices-typed-header = Trả lời bằng số:
prompt-next-message = ✍️ Gửi nội dung trong tin nhắn tiếp theo (trong { $minutes } phút).
prompt-expired = Đã quá thời gian chờ nội dung. Vui lòng chọn lại thao tác hoặc gõ lệnh đầy đủ (gõ trogiup để xem các lệnh).
choice-none = Không có lựa chọn nào đang chờ trả lời bằng số. Gõ trogiup để xem các lệnh.
choice-stale = Các lựa chọn này đã hết hạn hoặc đã được dùng. Gõ lại lệnh (ví dụ: phieu HY-0001) để có lựa chọn mới.
choice-foreign = Các lựa chọn đang chờ là của người khác trong nhóm. Gõ lệnh của bạn để có lựa chọn riêng.
choice-out-of-range = Chỉ có các lựa chọn từ 1 đến { $max }. Vui lòng gõ lại số.
private-unlinked-hint = Tài khoản này chưa được liên kết với xã, phường hay sở nào. Nếu quản trị viên đã cấp mã liên kết, gửi: lienket MÃ (ví dụ: lienket K7Q2MX). Gõ trogiup để xem hướng dẫn.
private-hint = Chưa hiểu yêu cầu. Gõ trogiup để xem các lệnh, ví dụ: baocao <nội dung> để gửi kiến nghị, phieu HY-0001 để xem phiếu.
files-not-delivered = 📎 { $count } tệp đính kèm không gửi được qua kênh này. Xem phiếu { $code } trên trang quản lý hoặc đề nghị tổ công tác gửi lại.

# A burst of new reports: one rolling message for the support team instead of a card each.
summary-title = 🆕 { $count } kiến nghị mới: { $first } … { $last }
summary-hint = Chọn mã phiếu để mở thẻ phiếu, hoặc gõ /nhan { $example }, /chuyen { $example } <mã sở>, /phieu { $example }.
summary-hint-compact = Gõ /phieu { $example } để xem phiếu, /nhan { $example } để nhận, /chuyen { $example } <mã sở> để chuyển.
