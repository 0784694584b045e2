/**
 * The province's reference data: categories with their default departments, and departments.
 * It is data, loaded into the database by `npm run db:seed`, where admins may change it.
 */

export interface DepartmentSeed {
  code: string;
  name: string;
}

export interface CategorySeed {
  code: string;
  label: string;
  labelEn: string;
  department: string | null;
  flagCentral: boolean;
}

export const DEPARTMENTS: readonly DepartmentSeed[] = [
  { code: 'SNV', name: 'Sở Nội vụ' },
  { code: 'BTCTU', name: 'Ban Tổ chức Tỉnh ủy' },
  { code: 'SKHCN', name: 'Sở Khoa học và Công nghệ' },
  { code: 'VPUBND', name: 'Văn phòng UBND tỉnh' },
  { code: 'STC', name: 'Sở Tài chính' },
  { code: 'SNNMT', name: 'Sở Nông nghiệp và Môi trường' },
  { code: 'SXD', name: 'Sở Xây dựng' },
  { code: 'SCT', name: 'Sở Công Thương' },
  { code: 'SGDDT', name: 'Sở Giáo dục và Đào tạo' },
  { code: 'SYT', name: 'Sở Y tế' },
  { code: 'STP', name: 'Sở Tư pháp' },
  { code: 'SVHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch' },
  { code: 'TTT', name: 'Thanh tra tỉnh' },
  { code: 'VPTU', name: 'Văn phòng Tỉnh ủy' },
];

export const CATEGORIES: readonly CategorySeed[] = [
  { code: 'nhan_su', label: 'Biên chế, nhân sự, chế độ cán bộ, đào tạo, quá tải', labelEn: 'Staffing, personnel, training, overload', department: 'SNV', flagCentral: false },
  { code: 'to_chuc_dang', label: 'Kiện toàn cấp ủy, ban thường vụ, tổ chức đảng', labelEn: 'Party committees and organisation', department: 'BTCTU', flagCentral: false },
  { code: 'cntt_hatang', label: 'Hạ tầng, trang thiết bị, CNTT, mạng, phần mềm, chữ ký số, chuyển đổi số', labelEn: 'IT, equipment, network, software, digital signatures', department: 'SKHCN', flagCentral: false },
  { code: 'thu_tuc_hanh_chinh', label: 'Thủ tục hành chính, dịch vụ công trực tuyến, Trung tâm phục vụ HCC, CSDL dân cư', labelEn: 'Administrative procedures, online public services, service centres', department: 'VPUBND', flagCentral: false },
  { code: 'dau_tu_cong', label: 'Dự án đầu tư công: thẩm quyền, trình tự, nguồn vốn, giải ngân', labelEn: 'Public investment projects and disbursement', department: 'STC', flagCentral: false },
  { code: 'tai_chinh_ngan_sach', label: 'Ngân sách, kinh phí hoạt động, tài sản công, trụ sở', labelEn: 'Budget, operating funds, public assets, offices', department: 'STC', flagCentral: false },
  { code: 'dat_dai', label: 'Đất đai, giải phóng mặt bằng', labelEn: 'Land and site clearance', department: 'SNNMT', flagCentral: false },
  { code: 'quy_hoach_xay_dung', label: 'Quy hoạch, xây dựng, giao thông, trật tự xây dựng', labelEn: 'Planning, construction, transport', department: 'SXD', flagCentral: false },
  { code: 'moi_truong', label: 'Rác thải, thu gom, vệ sinh môi trường, nước thải', labelEn: 'Waste collection, sanitation, wastewater', department: 'SNNMT', flagCentral: false },
  { code: 'san_xuat_kinh_doanh', label: 'Hỗ trợ doanh nghiệp, sản xuất, kinh doanh, thương mại', labelEn: 'Business, production, trade', department: 'SCT', flagCentral: false },
  { code: 'giao_duc', label: 'Trường học, giáo viên, cơ sở vật chất giáo dục', labelEn: 'Schools, teachers, education facilities', department: 'SGDDT', flagCentral: false },
  { code: 'y_te', label: 'Trạm y tế, nhân lực y tế, bảo hiểm y tế', labelEn: 'Health stations, health staff, health insurance', department: 'SYT', flagCentral: false },
  { code: 'co_che_chinh_sach', label: 'Cơ chế, chính sách, văn bản pháp luật chưa hoàn thiện, chồng chéo, vượt thẩm quyền tỉnh', labelEn: 'Policy and legal gaps beyond the province', department: 'STP', flagCentral: true },
  { code: 'khac', label: 'Khác', labelEn: 'Other', department: null, flagCentral: false },
];

export const CATEGORY_CODES = CATEGORIES.map((c) => c.code);
export type CategoryCode = (typeof CATEGORIES)[number]['code'];

export function defaultDepartmentFor(category: string): string | null {
  return CATEGORIES.find((c) => c.code === category)?.department ?? null;
}
