"""Synthetic verified reports: what the IOC has confirmed in each category, as citizens word it.

Generated from phrase lists written apart from the labelled set (tests/suggest/labelled.toml),
combined with places and asides, with diacritics dropped from about half and a typo in some,
so a model trained on them is measured on texts it has never seen.
"""

import random
import tomllib
import unicodedata
from pathlib import Path

LABELLED = Path(__file__).with_name("labelled.toml")

PHRASES = {
    "trat-tu-xay-dung": [
        "xây dựng trái phép trên đất nông nghiệp",
        "công trình xây sai giấy phép, vượt tầng",
        "lấn chiếm hành lang đường để làm quán",
        "tập kết vật liệu xây dựng chiếm hết vỉa hè",
        "dựng nhà tạm trên đất quy hoạch",
        "cơi nới ban công lấn ra ngoài mặt đường",
        "san lấp mặt bằng không phép, đổ đất xuống suối",
    ],
    "ve-sinh-moi-truong": [
        "rác thải sinh hoạt vứt bừa bãi không ai dọn",
        "mùi hôi thối từ bãi rác bốc lên nồng nặc",
        "nước thải từ xưởng chảy đen ra mương",
        "khói bụi từ nhà máy gạch làm ô nhiễm không khí",
        "tiếng ồn từ máy xay đá cả ngày",
        "xác gia súc chết vứt ven đường",
        "túi ni lông và chai lọ ứ đọng ven hồ",
        "xe chở rác rơi vãi dọc đường",
    ],
    "ha-tang-dien": [
        "cột điện gãy đổ chắn lối đi",
        "đường dây điện võng xuống sát mái nhà",
        "trạm biến áp kêu ù ù, có tia lửa",
        "mất điện kéo dài nhiều giờ",
        "dây điện hạ thế bị cháy, chập điện",
        "cột điện nghiêng hẳn sau mưa bão",
        "dây cáp điện rơi xuống mặt đường",
    ],
    "ha-tang-chieu-sang": [
        "đèn đường không sáng cả tuyến phố",
        "bóng đèn chiếu sáng công cộng bị vỡ",
        "đèn đường bật sáng cả ngày",
        "cột đèn bị nghiêng, hở điện ở chân cột",
        "hệ thống chiếu sáng ngõ xóm hỏng lâu ngày",
        "đèn cao áp tắt, đường tối om",
    ],
    "ha-tang-duong": [
        "mặt đường xuất hiện nhiều ổ gà",
        "đường bị sụt lún, nứt toác",
        "vỉa hè bong tróc, gạch vỡ",
        "hố ga mất nắp rất nguy hiểm",
        "cầu bị hư hỏng lan can",
        "biển báo đổ nghiêng bên đường",
        "đinh và vật nhọn rải trên đường",
        "đường bê tông vỡ nát, lồi lõm",
    ],
    "cap-thoat-nuoc": [
        "mất nước sinh hoạt nhiều ngày",
        "vỡ ống cấp nước, nước chảy lênh láng",
        "nước sạch có cặn bẩn, mùi clo nặng",
        "cống thoát nước bị tắc, bốc mùi",
        "ngập úng mỗi khi mưa lớn",
        "rãnh thoát nước bị lấp, nước tràn vào nhà",
        "nước yếu không lên được bể",
    ],
    "an-toan-giao-thong": [
        "tai nạn giao thông liên tiếp tại khúc cua",
        "điểm đen giao thông cần có biển cảnh báo",
        "ô tô đỗ sai quy định chiếm lòng đường",
        "họp chợ lấn chiếm lòng đường gây mất an toàn",
        "xe quá tải chạy tốc độ cao qua khu dân cư",
        "đèn tín hiệu giao thông không hoạt động",
        "thanh thiếu niên lạng lách đánh võng",
        "xe khách dừng đỗ đón khách tùy tiện",
    ],
    "an-ninh-trat-tu": [
        "trộm cắp tài sản xảy ra nhiều lần",
        "cướp giật điện thoại của người đi đường",
        "đối tượng gây rối trật tự công cộng",
        "đánh nhau gây thương tích",
        "tụ tập đông người uống rượu la hét",
        "nghi có tụ điểm ma túy",
        "tổ chức đánh bạc, cờ bạc",
        "mất trộm gà vịt, trâu bò",
    ],
    "thien-tai": [
        "sạt lở đất đá xuống đường",
        "lũ quét gây thiệt hại nhà cửa",
        "lũ ống tràn về bất ngờ",
        "ngập lụt sâu, người dân phải sơ tán",
        "dông lốc làm tốc mái nhà",
        "cây đổ chắn ngang đường sau mưa bão",
        "nguy cơ sạt lở taluy rất cao",
        "mưa lớn làm sập cầu tràn",
    ],
    "chay-no": [
        "cháy nhà dân, lửa lan nhanh",
        "cháy rừng trên núi",
        "cháy chợ, nhiều ki ốt bị thiêu rụi",
        "rò rỉ khí gas trong bếp",
        "hỏa hoạn tại kho hàng",
        "nổ bình gas",
        "cháy xưởng chế biến gỗ",
    ],
    "dich-vu-du-lich": [
        "chèo kéo khách du lịch tại di tích",
        "giá vé tham quan không niêm yết",
        "hướng dẫn viên thiếu chuyên nghiệp",
        "vệ sinh khu di tích kém",
        "dịch vụ ăn uống ở điểm du lịch chặt chém",
        "nhân viên soát vé cư xử thiếu văn minh với du khách",
        "bán hàng rong đeo bám khách tham quan",
    ],
    "thai-do-can-bo-thu-tuc": [
        "cán bộ có thái độ không đúng mực với người dân",
        "hồ sơ bị giải quyết chậm trễ, quá hạn",
        "gây phiền hà, yêu cầu thêm giấy tờ",
        "thủ tục hành chính rườm rà",
        "công chức làm sai quy định khi tiếp nhận hồ sơ",
        "cán bộ bộ phận một cửa vắng mặt trong giờ làm việc",
        "nhũng nhiễu, đòi tiền khi làm thủ tục",
    ],
    "y-te": [
        "bệnh viện quá tải, bệnh nhân nằm ghép",
        "trạm y tế thiếu thuốc",
        "nhân viên y tế thái độ phục vụ người bệnh kém",
        "ngộ độc thực phẩm sau đám cưới",
        "dịch bệnh lây lan trong bản",
        "khám bệnh bảo hiểm phải chờ cả ngày",
        "bán thực phẩm không rõ nguồn gốc, mất an toàn",
    ],
    "giao-duc": [
        "trường học xuống cấp, tường nứt",
        "lạm thu các khoản đầu năm học",
        "học sinh không an toàn khi đến trường",
        "giáo viên đánh học sinh",
        "lớp học thiếu bàn ghế, thiếu ánh sáng",
        "điểm trường lẻ không có nhà vệ sinh",
        "bếp ăn bán trú của trường mất vệ sinh",
    ],
    "khac": [
        "đề nghị bổ sung thiết chế văn hóa cho bản",
        "vật nuôi thả rông gây mất vệ sinh",
        "góp ý về hoạt động của nhà văn hóa",
        "kiến nghị về sóng điện thoại, internet yếu",
        "đề nghị sửa sân thể thao của xóm",
        "chó mèo thả rông cắn người",
    ],
}

PLACES = [
    "ở tổ dân phố 3",
    "tại bản Noong Bua",
    "trên đường Trần Đăng Ninh",
    "ở phường Mường Thanh",
    "tại xã Thanh Nưa",
    "gần chợ trung tâm",
    "ở khu vực cầu Thanh Bình",
    "tại thị trấn Tuần Giáo cũ",
    "ở bản Him Lam",
    "cạnh trường mầm non",
    "",
]
ASIDES = [
    "",
    "",
    "đề nghị các cơ quan chức năng xử lý",
    "mong được giải quyết sớm",
    "đã lâu rồi",
    "người dân rất bức xúc",
    "nhờ chính quyền xem xét",
    "xin cảm ơn",
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters once, as a thumb on a phone does."""
    positions = [i for i in range(len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    if not positions:
        return text
    i = rng.choice(positions)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def verified_texts(*, per_category: int = 30, seed: int = 7) -> list[tuple[str, str]]:
    """(title + description, category code) pairs, as many for each category."""
    rng = random.Random(seed)
    samples = []
    for code, phrases in PHRASES.items():
        for _ in range(per_category):
            parts = [rng.choice(phrases), rng.choice(PLACES)]
            if rng.random() < 0.4:
                parts.insert(1, rng.choice(phrases))
            parts.append(rng.choice(ASIDES))
            text = " ".join(part for part in parts if part)
            text = text[0].upper() + text[1:]
            if rng.random() < 0.5:
                text = strip_accents(text).lower()
            if rng.random() < 0.2:
                text = _typo(text, rng)
            samples.append((text, code))
    return samples


def labelled_texts() -> list[tuple[str, str]]:
    with LABELLED.open("rb") as file:
        samples = tomllib.load(file)["samples"]
    return [(text, code) for code, texts in samples.items() for text in texts]
