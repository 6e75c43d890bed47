"""Frames modelled on seed 000 (Thiệu Trung, báo cáo) and seed 001 (Bỉm Sơn, công văn)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kpdesk.draft import Signer
from kpdesk.render.frame import Frame
from kpdesk.render.markup import parse_body

SEED000_SUMMARY = (
    "Tình hình triển khai các giải pháp đột phá để phát triển khoa học công nghệ, đổi mới sáng tạo "
    "thông qua tháo gỡ điểm nghẽn về cơ chế tài chính của xã Thiệu Trung"
)

SEED000_BODY = """
<body>
  <p>Thực hiện Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của Sở Khoa học và Công nghệ tỉnh Thanh Hóa
     về việc định kỳ báo cáo tình hình thực hiện các giải pháp đột phá để phát triển khoa học, công nghệ,
     đổi mới sáng tạo thông qua việc tháo gỡ điểm nghẽn về cơ chế tài chính (trước ngày 20 hàng tháng).
     UBND xã báo cáo với nội dung như sau:</p>
  <h2>1. Thông tin chung</h2>
  <li>Ủy ban nhân dân xã Thiệu Trung, tỉnh Thanh Hóa.</li>
  <li>Kỳ báo cáo thực hiện trong tháng 4 năm 2026 theo yêu cầu của Bộ Khoa học và Công nghệ.</li>
  <li>Người liên hệ: ông Nghiêm Duy Cương, Chuyên viên phòng Văn hóa - Xã hội.</li>
  <li>Số điện thoại: 0982 741 345; Email: cuongnd.thieutrong@thanhhoa.gov.vn</li>
  <h2>2. Tình hình triển khai các giải pháp đột phá tháo gỡ điểm nghẽn về cơ chế tài chính cho khoa học
      công nghệ, đổi mới sáng tạo</h2>
  <li>Thời gian qua, UBND xã Thiệu Trung đã quan tâm chỉ đạo, tổ chức thực hiện các nhiệm vụ liên quan đến
      khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số gắn với yêu cầu phát triển kinh tế - xã hội,
      cải cách hành chính và nâng cao hiệu quả hoạt động của bộ máy ở cơ sở.</li>
  <li>Bên cạnh những kết quả bước đầu đạt được, việc triển khai các giải pháp mang tính đột phá về cơ chế
      tài chính vẫn còn gặp nhiều hạn chế. Nguyên nhân chủ yếu là do nguồn lực dành cho lĩnh vực này còn
      mỏng, chưa có nguồn hỗ trợ độc lập.</li>
  <h2>3. Tình hình tổ chức và hoạt động của xã</h2>
  <li>Hiện nay, UBND xã Thiệu Trung chưa thành lập Quỹ phát triển khoa học và công nghệ.</li>
  <li mark="+">Quỹ địa phương: <b>Chưa thành lập</b></li>
  <li mark="+">Năm bắt đầu hoạt động: Không có</li>
  <li mark="+">Quy chế tổ chức và điều lệ hoạt động của Quỹ: Chưa ban hành</li>
  <table widths="1,6,2.4" header="1" align-cols="center,left,right">
    <tr bold="1"><td>TT</td><td>Nội dung</td><td>Kinh phí (triệu đồng)</td></tr>
    <tr><td>1</td><td>Ứng dụng khoa học, công nghệ trong thực hiện nhiệm vụ chuyên môn</td><td>152</td></tr>
    <tr><td>2</td><td>Hỗ trợ đổi mới sáng tạo, chuyển đổi số tại xã</td><td>200</td></tr>
    <tr bold="1"><td colspan="2">Tổng cộng</td><td>352</td></tr>
  </table>
  <h2>4. Kiến nghị, đề xuất</h2>
  <p>Để tạo điều kiện thuận lợi cho xã trong việc thúc đẩy phát triển khoa học, công nghệ, đổi mới sáng tạo
     và tháo gỡ các vướng mắc về cơ chế tài chính, UBND xã Thiệu Trung kính đề nghị:</p>
  <li>Một là, nghiên cứu ban hành cơ chế tài chính phù hợp hơn đối với cấp xã.</li>
  <li>Hai là, quan tâm bố trí nguồn kinh phí riêng hoặc có chính sách hỗ trợ cụ thể cho cấp xã.</li>
  <p>Trên đây là báo cáo của Ủy ban nhân dân xã Thiệu Trung về tình hình triển khai các giải pháp đột phá
     nhằm phát triển khoa học, công nghệ, đổi mới sáng tạo thông qua tháo gỡ điểm nghẽn về cơ chế tài chính.</p>
</body>
"""

SEED001_SUMMARY = (
    "báo cáo tình hình thực hiện các giải pháp đột phá để phát triển khoa học, công nghệ, đổi mới sáng tạo "
    "thông qua việc tháo gỡ điểm nghẽn về cơ chế tài chính phường Bỉm Sơn"
)

SEED001_BODY = """
<body>
  <p>Thực hiện Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của Sở Khoa học và Công nghệ tỉnh Thanh Hóa về việc
     định kỳ báo cáo tình hình thực hiện các giải pháp đột phá (trước ngày 20 hàng tháng). Ủy ban nhân dân
     phường Bỉm Sơn báo cáo như sau:</p>
  <h2>1. Thông tin chung</h2>
  <li>Cơ quan cấp trên: Tỉnh Thanh Hóa.</li>
  <li>Đơn vị tổng hợp báo cáo: Phường Bỉm Sơn.</li>
  <li>Kỳ báo cáo: Tháng 4 năm 2026.</li>
  <h2>2. Tình hình triển khai các giải pháp đột phá</h2>
  <h3>2.1. Công tác chỉ đạo, điều hành</h3>
  <p>Ủy ban nhân dân phường đã quán triệt và triển khai các chủ trương, chính sách của Trung ương, của tỉnh về
     phát triển khoa học công nghệ, đổi mới sáng tạo và chuyển đổi số.</p>
  <h3>2.2. Kinh phí năm 2026</h3>
  <h4>a) Phân bổ</h4>
  <p>Năm 2026, Ủy ban nhân dân phường Bỉm Sơn phân bổ kinh phí là 2,382 tỷ đồng, chi tiết như sau:</p>
  <table widths="1,6,2.4" header="1" align-cols="center,left,right">
    <tr bold="1"><td>TT</td><td>Nội dung</td><td>Kinh phí (triệu đồng)</td></tr>
    <tr><td>1</td><td>Khoa học công nghệ</td><td>382</td></tr>
    <tr><td>2</td><td>Chuyển đổi số</td><td>2.000</td></tr>
    <tr bold="1"><td colspan="2">Tổng cộng</td><td>2.382</td></tr>
  </table>
  <p>Kinh phí đã giải ngân đến tháng 4 năm 2026 là 200 triệu đồng.</p>
  <h2>3. Kiến nghị, đề xuất</h2>
  <li>Đề nghị Ủy ban nhân dân tỉnh tiếp tục có cơ chế hỗ trợ tài chính cho các hoạt động khoa học công nghệ
      và đổi mới sáng tạo ở cấp cơ sở.</li>
  <p>Ủy ban nhân dân phường Bỉm Sơn báo cáo Sở Khoa học và Công nghệ tỉnh Thanh Hóa tổng hợp theo quy định.</p>
</body>
"""

PAYLOAD = json.dumps(
    {
        "format": "kpdesk-draft",
        "version": 1,
        "kind": "co_che_tai_chinh",
        "unit": "Thiệu Trung",
        "note": 'A < B & "C"\tD\nE 😀',
    },
    ensure_ascii=False,
    indent=2,
)


def seed000_frame(**changes: object) -> Frame:
    values: dict[str, object] = dict(
        form="bao_cao",
        superior=None,
        agency=("ỦY BAN NHÂN DÂN", "XÃ THIỆU TRUNG"),
        number="05",
        symbol="BC-UBND",
        place="Thiệu Trung",
        date=dt.date(2026, 4, 18),
        year=2026,
        doc_type="BÁO CÁO",
        summary=SEED000_SUMMARY,
        to=(),
        bases=(),
        body=parse_body(SEED000_BODY, source="seed000.xml"),
        recipients=("Sở KH&CN tỉnh (để b/c)", "Chủ tịch UBND xã (để b/c)", "Các Phó CT UBND xã", "Lưu: VT, VHXH"),
        signer=Signer(("KT. CHỦ TỊCH",), "PHÓ CHỦ TỊCH", "Trần Ngọc Tùng"),
        payload=PAYLOAD,
    )
    values.update(changes)
    return Frame(**values)  # type: ignore[arg-type]


def seed001_frame(**changes: object) -> Frame:
    values: dict[str, object] = dict(
        form="cong_van",
        superior=None,
        agency=("ỦY BAN NHÂN DÂN", "PHƯỜNG BỈM SƠN"),
        number=None,
        symbol="UBND-VHXH",
        place="Bỉm Sơn",
        date=None,
        year=2026,
        doc_type=None,
        summary=SEED001_SUMMARY,
        to=("Sở Khoa học và Công nghệ tỉnh Thanh Hóa",),
        bases=(),
        body=parse_body(SEED001_BODY, source="seed001.xml"),
        recipients=("Như trên", "Chủ tịch UBND phường (b/c)", "Lưu: VT, VHXH, manhnv(01)"),
        signer=Signer(("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), "PHÓ CHỦ TỊCH", "Lê Sỹ Tiến"),
        payload=None,
    )
    values.update(changes)
    return Frame(**values)  # type: ignore[arg-type]


@pytest.fixture
def frame000() -> Frame:
    return seed000_frame()


@pytest.fixture
def frame001() -> Frame:
    return seed001_frame()


@pytest.fixture
def make000():
    """Return a factory: seed000_frame(**changes)."""
    return seed000_frame


@pytest.fixture
def make001():
    """Return a factory: seed001_frame(**changes)."""
    return seed001_frame
