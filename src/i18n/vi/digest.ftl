## Daily digest, overdue list (/quahan), central-level report (/baocaotw), chart and export.

digest-title = TỔNG HỢP KIẾN NGHỊ NGÀY { $date }
digest-period = Số liệu từ { $since } đến { $until }
digest-new = Mới tiếp nhận: { $count }
digest-answered = Đã trả lời: { $count }
digest-resolved = Đã giải quyết: { $count }
digest-open = Đang mở: { $count }
digest-due-soon = Sắp đến hạn: { $count }
digest-overdue = Quá hạn: { $count }
digest-on-time-rate = Tỷ lệ đúng hạn: { $pct }%
digest-on-time-rate-none = Tỷ lệ đúng hạn: chưa có số liệu
digest-median-answer = Thời gian trả lời trung vị: { NUMBER($hours, maximumFractionDigits: 1) } giờ làm việc
digest-median-answer-none = Thời gian trả lời trung vị: chưa có số liệu
digest-empty = Chưa có kiến nghị nào.
digest-departments = Theo sở, ban, ngành
digest-dept-overdue = quá hạn { $count }
digest-dept-open = đang mở { $count }
digest-dept-on-time = đúng hạn { $pct }%
digest-dept-median = trả lời trung vị { NUMBER($hours, maximumFractionDigits: 1) } giờ
digest-categories = Theo lĩnh vực
digest-uncategorized = Chưa phân loại
digest-category-counts = { $total } phiếu, đang mở { $open }{ $overdue ->
    [0] {""}
   *[other] , quá hạn { $overdue }
}
digest-communes = Xã, phường có nhiều kiến nghị đang mở nhất
digest-commune-counts = { $open } đang mở{ $overdue ->
    [0] {""}
   *[other] , { $overdue } quá hạn
}
digest-oldest = { $count } kiến nghị chờ trả lời lâu nhất
digest-received = tiếp nhận { $date } ({ NUMBER($days, maximumFractionDigits: 1) } ngày làm việc)
digest-central = Kiến nghị Trung ương ({ $count })
digest-central-more = … và { $count } kiến nghị khác, xem đầy đủ bằng lệnh /baocaotw
digest-no-department = Chưa chuyển sở
digest-closure = Mức độ hài lòng của xã
digest-closure-confirmed = Toàn tỉnh: xã đã xác nhận { $confirmed }/{ $answered } phiếu được trả lời ({ $pct })
digest-closure-satisfaction = Hài lòng { $haiLong } · Tạm được { $tamDuoc } · Chưa hài lòng { $chuaHaiLong } · điểm hài lòng { $score }/100 ({ $rated } ý kiến)
digest-closure-no-rating = Chưa có xã nào cho ý kiến về mức độ hài lòng.
digest-closure-rates = Mở lại { $reopen } số phiếu đã trả lời · Tự động đóng { $autoClosed } số phiếu đã giải quyết
digest-closure-dept = xác nhận { $confirmed } · điểm { $score } · mở lại { $reopen } · tự động đóng { $autoClosed }

digest-chart-title = Kiến nghị đang mở và quá hạn theo sở, ngành
digest-chart-open = Đang mở
digest-chart-overdue = Quá hạn
digest-chart-count = Số phiếu
digest-chart-department = Sở, ngành
digest-chart-no-data = Không có dữ liệu

digest-export-sheet-tickets = Phiếu
digest-export-sheet-timeline = Diễn biến
digest-export-sheet-summary = Tổng hợp
digest-export-col-code = Mã phiếu
digest-export-col-commune = Xã/phường
digest-export-col-category = Lĩnh vực
digest-export-col-department = Sở/ngành
digest-export-col-priority = Mức độ
digest-export-col-status = Trạng thái
digest-export-col-created = Ngày tiếp nhận
digest-export-col-claimed = Ngày nhận xử lý
digest-export-col-assigned = Ngày chuyển sở
digest-export-col-due = Hạn trả lời
digest-export-col-answered = Ngày trả lời
digest-export-col-resolved = Ngày giải quyết
digest-export-col-on-time = Đúng hạn
digest-export-col-text = Nội dung
digest-export-col-answer = Trả lời
digest-export-col-central = Kiến nghị TW
digest-export-col-time = Thời gian
digest-export-col-event = Sự kiện
digest-export-col-actor = Người thực hiện
digest-export-col-from-status = Trạng thái trước
digest-export-col-to-status = Trạng thái sau
digest-export-col-event-text = Nội dung
digest-export-col-total = Tổng số
digest-export-col-open = Đang mở
digest-export-col-overdue = Quá hạn
digest-export-col-answered-count = Đã trả lời
digest-export-col-on-time-count = Đúng hạn
digest-export-col-on-time-rate = Tỷ lệ đúng hạn (%)
digest-export-col-median = Thời gian trả lời trung vị (giờ làm việc)
digest-export-col-satisfaction = Hài lòng
digest-export-col-confirmed = Ngày xã xác nhận
digest-export-col-auto-closed = Ngày tự động đóng
digest-export-col-reopened-count = Số lần mở lại
digest-export-sheet-closure = Mức độ hài lòng
digest-export-col-confirmed-count = Xã đã xác nhận
digest-export-col-confirmed-rate = Tỷ lệ xã xác nhận (%)
digest-export-col-rated-count = Số ý kiến đánh giá
digest-export-col-hai-long-count = Hài lòng
digest-export-col-tam-duoc-count = Tạm được
digest-export-col-chua-hai-long-count = Chưa hài lòng
digest-export-col-hai-long-rate = Hài lòng (%)
digest-export-col-tam-duoc-rate = Tạm được (%)
digest-export-col-chua-hai-long-rate = Chưa hài lòng (%)
digest-export-col-satisfaction-score = Điểm hài lòng (0–100)
digest-export-col-reopened-tickets = Phiếu bị mở lại
digest-export-col-reopen-rate = Tỷ lệ mở lại (%)
digest-export-col-resolved-count = Đã giải quyết
digest-export-col-auto-closed-count = Tự động đóng
digest-export-col-auto-closed-rate = Tỷ lệ tự động đóng (%)
digest-export-yes = Có
digest-export-no = Không
digest-export-pending = Chưa đến hạn
digest-export-total-row = Tổng cộng

overdue-title = DANH SÁCH PHIẾU QUÁ HẠN ({ $count })
overdue-as-of = Tính đến { $time }
overdue-none = Không có phiếu nào quá hạn.
overdue-by-days = quá hạn { NUMBER($days, maximumFractionDigits: 1) } ngày làm việc
overdue-by-hours = quá hạn { NUMBER($hours, maximumFractionDigits: 1) } giờ làm việc
overdue-due = hạn { $date }

central-title = BÁO CÁO CÁC KIẾN NGHỊ THUỘC THẨM QUYỀN TRUNG ƯƠNG
central-as-of = Tổng số: { $count } kiến nghị (tính đến ngày { $date })
central-count = Tổng số: { $count } kiến nghị
central-none = Chưa có kiến nghị nào đề xuất báo cáo Trung ương.
central-content = Nội dung: { $text }
