## Help, linking chats and filing reports.

help-header = <b>Tháo gỡ</b> — bot tiếp nhận và đôn đốc trả lời kiến nghị của xã, phường.
help-unlinked =
    Nhóm/cuộc trò chuyện này chưa được liên kết với đơn vị nào.
    • Quản trị viên liên kết nhóm: /lienket xa &lt;mã xã&gt;, /lienket so &lt;mã sở&gt;, /lienket tocongtac, /lienket lanhdao
    • Cán bộ nhận được mã liên kết một lần thì gửi cho bot trong tin nhắn riêng: lienket &lt;mã&gt;
help-commune =
    Nhóm của <b>{ $unit }</b>.
    • /baocao &lt;nội dung&gt; — gửi kiến nghị, khó khăn (có thể kèm ảnh hoặc tệp, ghi lệnh ở phần chú thích)
    • /phieu &lt;mã phiếu&gt; — xem tình trạng phiếu
    • /ds — các phiếu đang mở của đơn vị
    • /xong &lt;mã phiếu&gt; — đồng ý với câu trả lời
    • /molai &lt;mã phiếu&gt; &lt;lý do&gt; — chưa đồng ý, đề nghị trả lời lại
    • /web — mở bàn làm việc trên web (liên kết đăng nhập được gửi riêng cho bạn)
help-support =
    Nhóm <b>tổ công tác</b>.
    • /nhan &lt;mã phiếu&gt; — nhận xử lý (hoặc chọn "Nhận xử lý" trên phiếu)
    • /chuyen &lt;mã phiếu&gt; &lt;mã sở&gt; — chuyển sở
    • /linhvuc &lt;mã phiếu&gt; — xác định lĩnh vực; /mucdo &lt;mã phiếu&gt; khan|thuong|phuc_tap
    • /tuchoi &lt;mã phiếu&gt; &lt;lý do&gt; — không thuộc phạm vi; /gop &lt;mã phiếu&gt; &lt;mã phiếu gốc&gt; — gộp phiếu trùng
    • /kientw &lt;mã phiếu&gt; — đánh dấu kiến nghị Trung ương
    • /ghichu &lt;mã phiếu&gt; &lt;nội dung&gt; — ghi chú nội bộ (xã không thấy)
    • /phieu &lt;mã phiếu&gt;, /ds — xem phiếu; /tonghop, /quahan, /xuatexcel, /baocaotw — báo cáo
    • /web — mở bàn làm việc trên web (liên kết đăng nhập được gửi riêng cho bạn)
help-department =
    Nhóm đầu mối <b>{ $unit }</b>.
    • /traloi &lt;mã phiếu&gt; &lt;nội dung&gt; — trả lời bằng văn bản (hoặc trả lời thẳng vào tin nhắn phiếu của bot)
    • /tralai &lt;mã phiếu&gt; &lt;lý do&gt; — không thuộc thẩm quyền, trả lại tổ công tác
    • /giahan &lt;mã phiếu&gt; &lt;số ngày làm việc&gt; &lt;lý do&gt; — xin gia hạn
    • /phieu &lt;mã phiếu&gt;, /ds — xem phiếu được giao
    • /web — mở bàn làm việc trên web (liên kết đăng nhập được gửi riêng cho bạn)
help-leaders =
    Nhóm <b>lãnh đạo</b>.
    • /tonghop — báo cáo tổng hợp ngay
    • /quahan — danh sách phiếu quá hạn
    • /xuatexcel — tải tệp Excel toàn bộ phiếu và diễn biến
    • /baocaotw — danh sách kiến nghị Trung ương theo chủ đề
    • /phieu &lt;mã phiếu&gt;, /ds — xem phiếu
    • /web — mở bàn làm việc trên web (liên kết đăng nhập được gửi riêng cho bạn)
help-admin =
    <b>Quản trị viên</b>:
    • /lienket xa &lt;mã xã&gt; | so &lt;mã sở&gt; | tocongtac | lanhdao — liên kết nhóm này
    • /taoma xa &lt;mã xã&gt; | so &lt;mã sở&gt; — tạo mã liên kết một lần cho tin nhắn riêng
    • /truongnhom (trả lời tin nhắn của một thành viên tổ công tác) — chỉ định trưởng nhóm duyệt gia hạn
    • /truongso &lt;mã sở&gt; &lt;@tài_khoản&gt; — người được nhắc tên khi sở quá hạn
    • /web — mở bàn làm việc trên web (liên kết đăng nhập được gửi riêng cho bạn)

link-usage =
    Cách dùng:
    /lienket xa &lt;mã xã/phường&gt; (ví dụ: /lienket xa 11953)
    /lienket so &lt;mã sở&gt; (ví dụ: /lienket so SNV)
    /lienket tocongtac
    /lienket lanhdao
link-not-admin = Xin lỗi, chỉ quản trị viên mới được liên kết nhóm. Nhóm này không thay đổi.
link-group-only = Lệnh này dùng trong nhóm. Để liên kết tin nhắn riêng, quản trị viên tạo mã bằng /taoma rồi gửi cho cán bộ.
link-commune-not-found = Không tìm thấy xã/phường "{ $query }". Dùng mã thống kê 5 chữ số, ví dụ: /lienket xa 11953.
link-commune-ambiguous = Có nhiều xã/phường khớp với "{ $query }": { $matches }. Vui lòng dùng mã số.
link-department-not-found = Không tìm thấy sở/ngành "{ $query }". Các mã hợp lệ: { $codes }.
link-done-commune = Đã liên kết nhóm này với <b>{ $unit }</b> (mã { $code }). Cán bộ gửi kiến nghị bằng lệnh /baocao &lt;nội dung&gt;.
link-done-department = Đã liên kết nhóm này với <b>{ $unit }</b>. Phiếu được giao cho sở sẽ gửi về đây.
link-done-support = Đã đặt nhóm này làm nhóm <b>tổ công tác</b>. Mọi kiến nghị mới sẽ được gửi về đây.
link-done-leaders = Đã đặt nhóm này làm nhóm <b>lãnh đạo</b>. Báo cáo tổng hợp hằng ngày sẽ gửi về đây.
link-code-invalid = Mã liên kết "{ $code }" không đúng. Vui lòng kiểm tra lại hoặc xin mã mới từ quản trị viên.
link-code-expired = Mã liên kết "{ $code }" đã hết hạn. Vui lòng xin mã mới từ quản trị viên.
link-code-used = Mã liên kết "{ $code }" đã được sử dụng. Mỗi mã chỉ dùng được một lần.
link-code-private-only = Mã liên kết chỉ dùng trong tin nhắn riêng với bot.
link-code-done = Đã liên kết tài khoản của bạn với <b>{ $unit }</b>. Từ nay bạn có thể gửi kiến nghị và theo dõi phiếu ngay tại đây.
code-usage =
    Cách dùng:
    /taoma xa &lt;mã xã/phường&gt;
    /taoma so &lt;mã sở&gt;
code-not-admin = Xin lỗi, chỉ quản trị viên mới được tạo mã liên kết.
code-created = Mã liên kết một lần cho <b>{ $unit }</b>: <code>{ $code }</code> (hết hạn lúc { $expires }). Người nhận gửi cho bot trong tin nhắn riêng: lienket { $code }

report-usage = Vui lòng ghi nội dung sau lệnh, ví dụ: /baocao Trung tâm phục vụ hành chính công thiếu máy tính.
report-unlinked = Nhóm/cuộc trò chuyện này chưa được liên kết với xã/phường nào nên chưa thể gửi kiến nghị. Vui lòng liên hệ quản trị viên.
report-wrong-chat = Lệnh /baocao dùng trong nhóm của xã/phường hoặc tin nhắn riêng của cán bộ xã đã liên kết.
report-created = Đã tiếp nhận kiến nghị, mã phiếu <b>{ $code }</b>. Tổ công tác sẽ xử lý và chuyển sở phụ trách. Xem tình trạng: /phieu { $code }
receipts-title = Đã tiếp nhận { $count } kiến nghị, mã phiếu:
receipts-hint = Tổ công tác sẽ xử lý và chuyển sở phụ trách. Xem tình trạng: /phieu <mã phiếu>, ví dụ /phieu { $example }
report-no-support-group = Chưa có nhóm tổ công tác nào được liên kết; phiếu đã được lưu và sẽ hiện khi nhóm được liên kết.

card-title = <b>{ $code }</b> · { $commune }
card-reporter = Người gửi: { $name }
card-status = Trạng thái: <b>{ $status }</b>
card-category = Lĩnh vực: { $category }
card-category-suggested = Gợi ý lĩnh vực: { $category } ({ $confidence }%)
card-department = Sở phụ trách: { $department }
card-claimant = Người nhận xử lý: { $name }
card-priority = Mức độ: { $priority }
card-deadline = Hạn trả lời: { $deadline }
card-attachments = Tệp đính kèm: { $count }
card-created = Tiếp nhận: { $at }

unlinked-group-added = Bot đã được thêm vào nhóm "{ $title }" (id { $chatId }) chưa liên kết. Dùng /lienket trong nhóm đó để liên kết.
command-unknown = Lệnh không hợp lệ. Gõ /trogiup để xem các lệnh.
error-generic = Đã có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút.
send-failed-admin = ⚠️ Không gửi được tin nhắn ({ $purpose }) tới cuộc trò chuyện { $chat }: { $reason }
