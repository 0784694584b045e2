## The web desk (/web, /app/…) and the public results page (/congkhai).
## Chat messages (web-link …) are in the bot's HTML; page texts are plain text (the page escapes them).

web-off = Bàn làm việc trên web chưa được bật (máy chủ chưa đặt PUBLIC_URL). Vui lòng báo quản trị viên.
web-unlinked = Nhóm/cuộc trò chuyện này chưa được liên kết với đơn vị nào nên chưa mở được bàn làm việc trên web. Hãy gửi /web trong nhóm của đơn vị bạn.
web-open-private-first =
    { $name }, bot chưa nhắn riêng cho bạn được nên chưa gửi liên kết đăng nhập (liên kết không bao giờ được gửi vào nhóm).
    Hãy mở cuộc trò chuyện riêng với bot (bấm vào tên bot, chọn Nhắn tin rồi Bắt đầu hoặc gửi /start), sau đó gửi lại /web trong nhóm này.
web-link-sent-privately = { $name }, bot đã gửi liên kết đăng nhập bàn làm việc vào tin nhắn riêng cho bạn.
web-too-many-links = Bạn vừa xin nhiều liên kết đăng nhập. Vui lòng dùng liên kết đã nhận hoặc thử lại sau { $minutes } phút.
web-link =
    <b>Đăng nhập bàn làm việc Tháo gỡ</b> với vai trò { $role }{ $unit }:
    { $url }
    Liên kết dùng được một lần, trong { $minutes } phút. Không chuyển liên kết này cho người khác.

web-role-commune = xã, phường
web-role-department = sở, ngành
web-role-support = tổ công tác
web-role-leaders = lãnh đạo
web-role-admin = quản trị viên

web-footer = Tháo gỡ — tiếp nhận và đôn đốc trả lời kiến nghị của xã, phường tỉnh Hưng Yên
web-nav-label = Trang
web-nav-tickets = Phiếu
web-nav-overview = Tổng quan
web-sign-out = Đăng xuất

web-starting-title = Hệ thống đang khởi động
web-starting = Máy chủ đang chờ cơ sở dữ liệu và hàng đợi. Vui lòng thử lại sau ít giây.
web-signed-out-title = Chưa đăng nhập
web-signed-out = Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn. Gửi /web trong nhóm chat của đơn vị để nhận liên kết đăng nhập mới (gửi riêng cho bạn, dùng trong 10 phút).
web-signed-out-done-title = Đã đăng xuất
web-signed-out-done = Bạn đã đăng xuất khỏi bàn làm việc. Gửi /web trong nhóm chat khi cần đăng nhập lại.
web-not-found-title = Không tìm thấy
web-not-found = Không tìm thấy phiếu này trong các phiếu đơn vị bạn được xem.
web-page-not-found = Không có trang này.
web-back-to-list = Danh sách phiếu
web-csrf-title = Không thực hiện được
web-csrf = Biểu mẫu đã cũ hoặc không được gửi từ bàn làm việc này. Vui lòng tải lại trang rồi thử lại; không có gì thay đổi.
web-bad-form-title = Biểu mẫu chưa đúng
web-bad-form = Thông tin gửi lên chưa đúng hoặc còn thiếu; không có gì thay đổi. Vui lòng kiểm tra rồi gửi lại.
web-error-title = Có lỗi
web-error = Máy chủ gặp lỗi khi xử lý; không có gì thay đổi. Vui lòng thử lại sau.
web-too-large = Tệp gửi lên quá lớn (tối đa { $mb } MB mỗi tệp); không có gì thay đổi.
web-rate-limited = Có quá nhiều yêu cầu từ địa chỉ này. Vui lòng thử lại sau một phút.

web-login-title = Đăng nhập bàn làm việc
web-login-no-token = Trang này cần liên kết đăng nhập. Gửi /web trong nhóm chat của đơn vị để nhận liên kết (gửi riêng cho bạn).
web-login-confirm = Đăng nhập với tên { $name }?
web-login-button = Đăng nhập
web-login-note = Phiên làm việc kéo dài { $hours } giờ. Dùng máy tính cá nhân; đăng xuất khi dùng máy chung.
web-login-failed-title = Không đăng nhập được
web-login-invalid = Liên kết đăng nhập không đúng. Gửi /web trong nhóm chat để nhận liên kết mới.
web-login-used = Liên kết đăng nhập này đã được dùng. Mỗi liên kết chỉ dùng một lần: gửi /web trong nhóm chat để nhận liên kết mới.
web-login-expired = Liên kết đăng nhập đã hết hạn (chỉ dùng trong 10 phút). Gửi /web trong nhóm chat để nhận liên kết mới.
web-login-unlinked = Nhóm chat gửi liên kết này không còn được liên kết với đơn vị nào nên không đăng nhập được.
web-login-blocked = Có quá nhiều lần đăng nhập không thành công từ địa chỉ này. Vui lòng thử lại sau { $at }.
web-login-csrf = Trang đăng nhập đã cũ. Vui lòng mở lại liên kết đăng nhập trong tin nhắn của bot.

web-list-title = Danh sách phiếu
web-list-count = { $count ->
        [0] Không có phiếu nào.
       *[other] { $count } phiếu.
    }
web-list-none = Chưa có phiếu nào.
web-list-none-filtered = Không có phiếu nào khớp bộ lọc.
web-list-overview = Tổng quan theo bộ lọc này
web-list-export = Tải Excel theo bộ lọc này
web-filter-q = Tìm kiếm
web-filter-q-hint = Nội dung, mã phiếu, tên xã (có dấu hoặc không dấu)
web-filter-status = Trạng thái
web-filter-department = Sở, ngành
web-filter-commune = Xã, phường
web-filter-category = Lĩnh vực
web-filter-priority = Mức độ
web-filter-due = Hạn trả lời
web-filter-from = Từ ngày
web-filter-to = Đến ngày
web-filter-sort = Sắp xếp
web-filter-more = Lọc thêm: trạng thái, sở, xã, lĩnh vực, mức độ, hạn, ngày
web-filter-any = Tất cả
web-filter-apply = Lọc
web-filter-clear = Bỏ lọc
web-filter-invalid = Bỏ qua giá trị lọc không hợp lệ: { $params }.
web-status-open = Đang mở (chưa giải quyết)
web-sort-moi = Mới nhất trước
web-sort-cu = Cũ nhất trước
web-sort-han = Hạn gần nhất trước
web-sort-capnhat = Mới cập nhật
web-col-code = Mã phiếu
web-col-status = Trạng thái
web-col-commune = Xã, phường
web-col-department = Sở, ngành
web-col-category = Lĩnh vực
web-col-priority = Mức độ
web-col-created = Tiếp nhận
web-col-due = Hạn trả lời
web-col-text = Nội dung
web-pager-label = Trang danh sách
web-pager-prev = ← Trang trước
web-pager-next = Trang sau →
web-pager-position = Trang { $page }/{ $pages }

web-ticket-title = Phiếu { $code }
web-ticket-report = Nội dung kiến nghị
web-ticket-timeline = Diễn biến
web-ticket-details = Thông tin phiếu
web-ticket-actions = Xử lý
web-claimant = Tổ công tác nhận
web-central = Kiến nghị Trung ương
web-central-yes = Có
web-parent = Đã gộp vào phiếu
web-children = Phiếu gộp vào đây
web-extension-pending = Đang xin gia hạn
web-file-photo = Ảnh
web-file-document = Tệp
web-file-in-chat = ảnh/tệp trong chat

web-act-none = Bạn không có thao tác nào với phiếu này ở trạng thái hiện tại.
web-act-claim = Nhận xử lý
web-act-assign-label = Chuyển sở xử lý
web-act-assign-pick = Chọn sở, ngành…
web-act-assign = Chuyển sở
web-act-transfer = Chuyển sang sở khác
web-act-category-label = Lĩnh vực
web-act-category-pick = Chọn lĩnh vực…
web-act-category = Đặt lĩnh vực
web-act-priority-label = Mức độ ưu tiên
web-act-priority = Đặt mức độ
web-act-answer-label = Nội dung trả lời bằng văn bản
web-act-answer-files = Tệp đính kèm (công văn PDF, DOCX hoặc ảnh; tối đa { $mb } MB mỗi tệp)
web-act-answer = Gửi trả lời
web-act-return-label = Không thuộc thẩm quyền: lý do trả lại tổ công tác
web-act-return = Trả lại
web-act-return-confirm = Trả phiếu này lại tổ công tác?
web-act-confirm-question = Câu trả lời có giúp được đơn vị không? (không bắt buộc)
web-act-confirm = Đồng ý, đã giải quyết
web-act-reopen-label = Chưa đồng ý: lý do đề nghị trả lời lại
web-act-reopen = Mở lại
web-act-rate = Gửi đánh giá
web-act-reject-label = Không thuộc phạm vi: lý do
web-act-reject = Từ chối
web-act-reject-confirm = Từ chối phiếu này? Xã sẽ nhận được lý do.
web-act-merge-label = Trùng nội dung: gộp vào phiếu gốc
web-act-merge-hint = Mã phiếu gốc, ví dụ HY-0001
web-act-merge = Gộp phiếu
web-act-merge-confirm = Gộp phiếu này vào phiếu gốc? Câu trả lời của phiếu gốc sẽ gửi cho cả hai xã.
web-act-note-label = Ghi chú nội bộ (xã không thấy)
web-act-note = Ghi chú
web-action-done = Đã thực hiện.
web-action-refused = Không thực hiện được; phiếu không thay đổi.
web-upload-empty = Tệp "{ $name }" rỗng; chưa gửi trả lời.
web-upload-too-large = Tệp "{ $name }" lớn hơn { $mb } MB; chưa gửi trả lời.
web-upload-type = Tệp "{ $name }" không phải PDF, DOCX, DOC, JPG hay PNG; chưa gửi trả lời.
web-upload-too-many = Mỗi câu trả lời đính kèm tối đa { $max } tệp; chưa gửi trả lời.

web-reports-only-title = Dành cho lãnh đạo và tổ công tác
web-reports-only = Trang tổng quan và tệp Excel toàn tỉnh dành cho lãnh đạo, tổ công tác và quản trị viên.
web-overview-title = Tổng quan
web-overview-all = Tất cả phiếu
web-overview-filtered = Các phiếu theo bộ lọc
web-overview-period = số mới và đã trả lời tính trong { $period }
web-overview-edit-filter = Sửa bộ lọc
web-overview-figures = Số liệu
web-overview-departments = Theo sở, ngành
web-period-days = { $days } ngày qua
web-period-from = từ { $date }
web-kpi-total = Tổng số phiếu
web-kpi-open = Đang mở
web-kpi-new = Mới trong kỳ
web-kpi-answered = Đã trả lời trong kỳ
web-kpi-answered-all = Đã trả lời
web-kpi-on-time = Tỷ lệ đúng hạn
web-kpi-median-answer = Thời gian trả lời (trung vị)
web-kpi-confirmed = Xã xác nhận
web-kpi-satisfaction = Điểm hài lòng (0–100)
web-kpi-reopened = Bị mở lại
web-kpi-auto-closed = Tự đóng
web-duration-hours = { $hours } giờ làm việc
web-duration-days = { $days } ngày làm việc
web-chart-departments = Phiếu đang mở và quá hạn theo sở
web-chart-weekly = Phiếu mới và phiếu được trả lời theo tuần
web-chart-weekly-new = Phiếu mới
web-chart-weekly-answered = Được trả lời
web-chart-week = Tuần bắt đầu
web-chart-on-time = Tỷ lệ trả lời đúng hạn theo sở (%)
web-chart-percent = Phần trăm
web-chart-communes = Xã, phường có nhiều phiếu đang mở nhất
web-chart-open-count = Số phiếu đang mở
web-chart-failed = Chưa vẽ được biểu đồ; các số liệu bên dưới vẫn đầy đủ.

web-public-title = Kết quả trả lời kiến nghị của xã, phường
web-public-off = Trang công khai kết quả chưa được bật.
web-public-intro = Số liệu cập nhật lúc { $at }. Trang chỉ công bố nội dung kiến nghị và câu trả lời của sở, ngành; không có tên người.
web-public-departments = Theo sở, ngành
web-public-received = Đã nhận
web-public-on-time = Trả lời đúng hạn
web-public-answers = Các kiến nghị đã được trả lời
web-public-question = Kiến nghị
web-public-answer = Trả lời
web-public-answered-at = trả lời ngày { $at }
web-public-no-category = Chưa phân lĩnh vực
web-public-no-answers = Chưa có kiến nghị nào được trả lời.
