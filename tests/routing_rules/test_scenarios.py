"""Realistic Điện Biên reports routed with the project's default data (data/routing/).

Each point is joined to its commune with the real 2025 boundaries (commune_locate), exactly as
a submitted report would be, then routed with the rules loaded from data/.
"""

from dataclasses import dataclass, field

import pytest

from tests.routing_rules.conftest import route, route_request

pytestmark = pytest.mark.django_db

# Points used several times (WGS 84 lon, lat).
MUONG_THANH = (103.0365, 21.3661)  # Phường Mường Thanh 03334, south of the centre
DBP_CENTRE = (103.0578, 21.4156)  # Phường Điện Biên Phủ 03127, away from any special zone
DBP_STREET = (103.0600, 21.4200)  # Phường Điện Biên Phủ 03127
DE_CASTRIES = (103.0117, 21.3857)  # inside the (approximate) De Castries bunker zone
A1_HILL = (103.0208, 21.3830)  # inside the (approximate) A1 hill zone
QL12_NA_SANG = (103.0575, 21.7450)  # on the QL12 centre line, Xã Na Sang (former Mường Chà)
QL12_MUONG_TUNG = (103.1050, 21.9150)  # on the QL12 centre line, Xã Mường Tùng (Mường Chà)
QL279_MUONG_ANG = (103.1850, 21.4800)  # on the QL279 centre line, Xã Mường Ảng
TUAN_GIAO = (103.4443, 21.6311)  # Xã Tuần Giáo 03253
MUONG_NHE = (102.4202, 22.2168)  # Xã Mường Nhé 03160


@dataclass(frozen=True)
class Scenario:
    name: str
    category: str
    point: tuple[float, float]
    commune: str
    agency: str
    coordinators: set[str] = field(default_factory=set)
    rule: str | None = None  # None: the commune-UBND fallback
    urgent: bool = False
    text: str = ""
    explains: tuple[str, ...] = ()  # fragments the explanation must contain


SCENARIOS = [
    Scenario(
        "pole in the middle of a widened lane, Phường Mường Thanh (filed as road safety)",
        "an-toan-giao-thong",
        MUONG_THANH,
        "03334",
        "dien-luc-tp-dien-bien-phu",
        {"ubnd-03334"},
        "dien-luc-tu-khoa",
        text="Đường dân sinh tổ 10 sau khi mở rộng có cột điện án ngữ giữa đường, rất nguy hiểm",
        explains=("từ khóa «cột điện»", "Phường Mường Thanh (mã 03334)", "Công ty Điện lực"),
    ),
    Scenario(
        "leaning electricity pole in Xã Tuần Giáo",
        "ha-tang-dien",
        TUAN_GIAO,
        "03253",
        "dien-luc-tuan-giao",
        {"ubnd-03253"},
        "dien-luc",
        text="Cột điện bị nghiêng sau mưa lớn",
        explains=("Huyện Tuần Giáo cũ (mã 099)", "Điện lực Tuần Giáo"),
    ),
    Scenario(
        "sagging power line in Xã Na Sang goes to the Mường Chà branch",
        "ha-tang-dien",
        (103.0616, 21.7757),
        "03172",
        "dien-luc-muong-cha",
        {"ubnd-03172"},
        "dien-luc",
        text="Dây điện võng thấp qua bản",
        explains=("Huyện Mường Chà cũ (mã 097)",),
    ),
    Scenario(
        "exposed metal bolts on a pavement, Phường Điện Biên Phủ",
        "ha-tang-duong",
        DBP_CENTRE,
        "03127",
        "ubnd-03127",
        set(),
        "ha-tang-dia-phuong",
        text="Bu lông sắt nhô lên trên vỉa hè sau khi nhổ biển quảng cáo, người đi bộ vấp ngã",
        explains=("Vị trí không nằm trong vùng đặc biệt nào", "UBND Phường Điện Biên Phủ"),
    ),
    Scenario(
        "broken street light in Phường Điện Biên Phủ",
        "ha-tang-chieu-sang",
        DBP_STREET,
        "03127",
        "ubnd-03127",
        set(),
        "ha-tang-dia-phuong",
        text="Đèn đường không sáng cả tuần nay",
        explains=("lĩnh vực «Hạ tầng đô thị – chiếu sáng công cộng»",),
    ),
    Scenario(
        "landslide on National Road 12 in Mường Chà",
        "thien-tai",
        QL12_NA_SANG,
        "03172",
        "so-xay-dung",
        {"so-nong-nghiep-moi-truong", "ubnd-03172"},
        "thien-tai-quoc-lo",
        urgent=True,
        text="Sạt lở taluy dương, đất đá tràn xuống mặt đường QL12",
        explains=("Hành lang Quốc lộ 12", "vị trí gần đúng", "Xã Na Sang (mã 03172)"),
    ),
    Scenario(
        "landslide away from any national road, Xã Sín Chải",
        "thien-tai",
        (103.3487, 22.0535),
        "03226",
        "ubnd-03226",
        {"so-nong-nghiep-moi-truong"},
        "thien-tai",
        urgent=True,
        text="Sạt lở đất sau nhà dân",
    ),
    Scenario(
        "fire in Tủa Chùa",
        "chay-no",
        (103.3619, 21.8220),
        "03217",
        "pccc-cong-an-tinh",
        {"ubnd-03217"},
        "chay-no",
        urgent=True,
        text="Cháy nhà sàn ở bản",
        explains=("Huyện Tủa Chùa cũ (mã 098)",),
    ),
    Scenario(
        "ticket clerk's attitude at the De Castries bunker",
        "thai-do-can-bo-thu-tuc",
        DE_CASTRIES,
        "03127",
        "so-van-hoa-the-thao-du-lich",
        {"so-noi-vu", "bql-di-tich-dien-bien"},
        "thai-do-can-bo",
        text="Nhân viên bán vé ở hầm De Castries quát nạt khách",
        explains=("hầm De Castries", "cấp trên của đơn vị liên quan là Ban Quản lý Di tích"),
    ),
    Scenario(
        "touts at the A1 hill relic site",
        "dich-vu-du-lich",
        A1_HILL,
        "03127",
        "so-van-hoa-the-thao-du-lich",
        {"bql-di-tich-dien-bien"},
        "du-lich-di-tich",
        text="Bán hàng rong chèo kéo khách ở cổng di tích",
        explains=("Di tích Đồi A1", "Khu di tích lịch sử"),
    ),
    Scenario(
        "homestay service in Xã Mường Phăng, outside any relic zone: commune fallback",
        "dich-vu-du-lich",
        (103.1042, 21.4724),
        "03325",
        "ubnd-03325",
        set(),
        None,
        text="Homestay thu giá cao hơn niêm yết",
        explains=("Không có quy tắc nào khớp", "UBND Xã Mường Phăng"),
    ),
    Scenario(
        "rude official at a commune's one-stop desk goes to the commune's superior",
        "thai-do-can-bo-thu-tuc",
        MUONG_NHE,
        "03160",
        "ubnd-tinh",
        {"so-noi-vu", "ubnd-03160"},
        "thai-do-can-bo",
        text="Cán bộ bộ phận một cửa gây phiền hà khi làm hồ sơ",
        explains=("cấp trên của đơn vị liên quan là UBND Xã Mường Nhé",),
    ),
    Scenario(
        "urgent robbery report in Phường Mường Thanh",
        "an-ninh-trat-tu",
        MUONG_THANH,
        "03334",
        "cong-an-tinh",
        {"ubnd-03334"},
        "an-ninh-khan-cap",
        urgent=True,
        text="Hai thanh niên đi xe máy giật túi xách",
        explains=("phản ánh khẩn cấp",),
    ),
    Scenario(
        "late-night karaoke noise in Phường Mường Lay (not urgent)",
        "an-ninh-trat-tu",
        (103.1783, 22.0168),
        "03151",
        "ubnd-03151",
        {"cong-an-tinh"},
        "an-ninh-trat-tu",
        text="Hát karaoke quá 23 giờ",
    ),
    Scenario(
        "urgent bag snatching filed under 'other' is still a police matter",
        "khac",
        DBP_CENTRE,
        "03127",
        "cong-an-tinh",
        {"ubnd-03127"},
        "khan-cap-trom-cuop",
        urgent=True,
        text="Vừa bị cướp giật điện thoại trước cổng chợ",
        explains=("có từ khóa «cướp», «cướp giật»",),
    ),
    Scenario(
        "traffic accident on National Road 279 in Xã Mường Ảng",
        "an-toan-giao-thong",
        QL279_MUONG_ANG,
        "03256",
        "cong-an-tinh",
        {"so-y-te", "ubnd-03256"},
        "tai-nan-giao-thong",
        urgent=True,
        text="Xe tải va chạm xe máy, có người bị thương",
    ),
    Scenario(
        "pothole on National Road 279 goes to Sở Xây dựng",
        "ha-tang-duong",
        QL279_MUONG_ANG,
        "03256",
        "so-xay-dung",
        {"ubnd-03256"},
        "duong-quoc-lo",
        text="Ổ gà lớn giữa mặt đường",
        explains=("Hành lang Quốc lộ 279",),
    ),
    Scenario(
        "pothole on a village road in Xã Xa Dung",
        "ha-tang-duong",
        (103.2996, 21.3182),
        "03208",
        "ubnd-03208",
        set(),
        "ha-tang-dia-phuong",
        text="Đường bê tông vào bản bị sụt lún",
    ),
    Scenario(
        "burst clean-water pipe in Phường Mường Thanh",
        "cap-thoat-nuoc",
        MUONG_THANH,
        "03334",
        "cap-nuoc-dien-bien",
        {"ubnd-03334"},
        "cap-nuoc-sach",
        text="Vỡ ống nước sạch, nước chảy lênh láng ra đường",
    ),
    Scenario(
        "blocked drain in Phường Điện Biên Phủ",
        "cap-thoat-nuoc",
        DBP_STREET,
        "03127",
        "ubnd-03127",
        set(),
        "ha-tang-dia-phuong",
        text="Cống thoát nước bị tắc, mưa là ngập",
    ),
    Scenario(
        "rubbish dumped by the road in Xã Thanh An",
        "ve-sinh-moi-truong",
        (103.0384, 21.3019),
        "03352",
        "ubnd-03352",
        set(),
        "ha-tang-dia-phuong",
        text="Rác thải đổ bừa bãi ven đường",
    ),
    Scenario(
        "building without a permit in Phường Điện Biên Phủ",
        "trat-tu-xay-dung",
        DBP_CENTRE,
        "03127",
        "ubnd-03127",
        {"so-xay-dung"},
        "trat-tu-xay-dung",
        text="Xây nhà lấn chiếm hành lang",
    ),
    Scenario(
        "health centre complaint in Xã Si Pa Phìn goes to the Nậm Pồ health centre",
        "y-te",
        (102.9201, 21.8098),
        "03199",
        "ttyt-nam-po",
        {"so-y-te"},
        "y-te",
        text="Trạm y tế không có người trực",
        explains=("Huyện Nậm Pồ cũ (mã 103)",),
    ),
    Scenario(
        "upper-secondary school in Xã Tuần Giáo goes to Sở GD&ĐT",
        "giao-duc",
        TUAN_GIAO,
        "03253",
        "so-giao-duc-dao-tao",
        {"ubnd-03253"},
        "giao-duc-thpt",
        text="Trường THPT Tuần Giáo thu thêm các khoản ngoài quy định",
    ),
    Scenario(
        "leaking primary-school roof in Xã Mường Nhé",
        "giao-duc",
        MUONG_NHE,
        "03160",
        "ubnd-03160",
        {"so-giao-duc-dao-tao"},
        "giao-duc",
        text="Mái lớp học trường tiểu học bị dột",
    ),
    Scenario(
        "keyword typed without diacritics: leaning pole in Xã Na Son",
        "khac",
        (103.2144, 21.2974),
        "03203",
        "dien-luc-dien-bien-dong",
        {"ubnd-03203"},
        "dien-luc-tu-khoa",
        text="cot dien bi do nghieng sat nha dan",
        explains=("từ khóa «cột điện»",),
    ),
    Scenario(
        "pole on National Road 12 in Mường Tùng: the electricity rule outranks the road rule",
        "ha-tang-duong",
        QL12_MUONG_TUNG,
        "03181",
        "dien-luc-muong-cha",
        {"ubnd-03181"},
        "dien-luc-tu-khoa",
        text="Cột điện đổ nghiêng ra mép đường",
        explains=("Hành lang Quốc lộ 12",),
    ),
    Scenario(
        "an 'other' report with nothing special falls back to the commune UBND",
        "khac",
        (103.0531, 21.1792),
        "03358",
        "ubnd-03358",
        set(),
        None,
        text="Chó thả rông",
        explains=("Không có quy tắc nào khớp",),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_default_rules_route_realistic_dien_bien_reports(
    routing_data_module, db, scenario: Scenario
):
    request = route_request(
        scenario.category, *scenario.point, urgent=scenario.urgent, text=scenario.text
    )
    assert request.commune_code == scenario.commune

    decision = route(scenario.category, *scenario.point, urgent=scenario.urgent, text=scenario.text)

    assert decision.agency.code == scenario.agency
    assert {a.code for a in decision.coordinators} == scenario.coordinators
    assert (decision.rule.code if decision.rule else None) == scenario.rule
    assert decision.fallback is (scenario.rule is None)
    text = "\n".join(decision.explanation)
    # Every explanation says which unit contained the point and who handles it, and why.
    assert f"(mã {scenario.commune})" in text
    assert decision.explanation[0].startswith("Vị trí thuộc ")
    assert f"Đơn vị xử lý: {decision.agency.name}" in text
    if scenario.rule:
        assert f"mã {scenario.rule})" in text
    for fragment in scenario.explains:
        assert fragment in text, f"{fragment!r} missing from:\n{text}"


def test_there_are_at_least_twenty_scenarios():
    assert len(SCENARIOS) >= 20
