"""Chengdu districts, fictional employers and service points of the demo centre."""

from __future__ import annotations

from dataclasses import dataclass

# GB/T 2260 area codes of Chengdu's districts, counties and county-level cities.
DISTRICT_CODES: dict[str, str] = {
    "锦江区": "510104",
    "青羊区": "510105",
    "金牛区": "510106",
    "武侯区": "510107",
    "成华区": "510108",
    "龙泉驿区": "510112",
    "青白江区": "510113",
    "新都区": "510114",
    "温江区": "510115",
    "双流区": "510116",
    "郫都区": "510117",
    "新津区": "510118",
    "金堂县": "510121",
    "大邑县": "510129",
    "蒲江县": "510131",
    "都江堰市": "510181",
    "彭州市": "510182",
    "邛崃市": "510183",
    "崇州市": "510184",
    "简阳市": "510185",
}
# Where people were born: mostly the central districts.
BIRTH_AREA_WEIGHTS: dict[str, int] = dict.fromkeys(DISTRICT_CODES.values(), 1)
BIRTH_AREA_WEIGHTS.update(
    {"510104": 8, "510105": 8, "510106": 9, "510107": 9, "510108": 8, "510116": 5}
)
CITY_AREA = "510100"  # functional zones (高新区, 天府新区) register at city level


@dataclass(frozen=True, slots=True)
class EmployerSeed:
    code: str
    name: str
    district: str
    authority: str  # first two characters of the credit code: 91 company, 12 institution
    size: int  # relative share of the accounts
    ratio_bp: int  # the employer's usual deposit ratio
    pay_day: int  # day of month its deposits are posted


EMPLOYERS: tuple[EmployerSeed, ...] = (
    EmployerSeed("E0001", "成都蓉信软件技术有限公司", "高新区", "91", 9, 1200, 10),
    EmployerSeed("E0002", "四川锦程建设工程有限公司", "武侯区", "91", 8, 800, 15),
    EmployerSeed("E0003", "成都天府优选商贸有限公司", "锦江区", "91", 5, 500, 20),
    EmployerSeed("E0004", "成都芙蓉里餐饮管理有限公司", "青羊区", "91", 4, 500, 25),
    EmployerSeed("E0005", "成都金沙湾物业服务有限公司", "金牛区", "91", 5, 600, 18),
    EmployerSeed("E0006", "四川川渝通物流有限公司", "新都区", "91", 6, 700, 12),
    EmployerSeed("E0007", "成都青城山泉饮品有限公司", "温江区", "91", 3, 800, 16),
    EmployerSeed("E0008", "成都锦官城文化传媒有限公司", "锦江区", "91", 2, 1000, 8),
    EmployerSeed("E0009", "四川蜀康医药连锁股份有限公司", "成华区", "91", 7, 1000, 14),
    EmployerSeed("E0010", "成都龙泉汽车零部件制造有限公司", "龙泉驿区", "91", 9, 800, 20),
    EmployerSeed("E0011", "成都双楠电子科技有限公司", "武侯区", "91", 4, 1200, 10),
    EmployerSeed("E0012", "成都浣花溪酒店管理有限公司", "青羊区", "91", 3, 600, 22),
    EmployerSeed("E0013", "四川天蓉环保科技有限公司", "双流区", "91", 3, 1000, 11),
    EmployerSeed("E0014", "成都郫筒食品有限公司", "郫都区", "91", 4, 500, 24),
    EmployerSeed("E0015", "成都市锦城职业培训学校", "成华区", "52", 1, 1200, 6),
    EmployerSeed("E0016", "成都市武侯区康泰社区卫生服务中心", "武侯区", "12", 2, 1200, 5),
    EmployerSeed("E0017", "成都市金牛区城市管理服务中心", "金牛区", "12", 3, 1200, 5),
    EmployerSeed("E0018", "四川宽窄巷数字科技有限公司", "青羊区", "91", 3, 1200, 9),
    EmployerSeed("E0019", "成都熊猫智行信息技术有限公司", "高新区", "91", 5, 1200, 10),
    EmployerSeed("E0020", "成都东郊记忆印务有限公司", "成华区", "91", 2, 700, 17),
    EmployerSeed("E0021", "四川新津河鲜水产有限公司", "新津区", "91", 2, 500, 26),
    EmployerSeed("E0022", "成都麓湖建筑设计有限公司", "天府新区", "91", 3, 1000, 13),
    EmployerSeed("E0023", "成都西岭云端旅游开发有限公司", "大邑县", "91", 2, 600, 21),
    EmployerSeed("E0024", "成都交子金融服务外包有限公司", "高新区", "91", 5, 1100, 15),
)


@dataclass(frozen=True, slots=True)
class PointSeed:
    code: str
    name: str
    district: str
    address: str
    latitude: float
    longitude: float
    hours: str
    phone: str
    services: str


_HALL = "mon-fri 09:00-12:00,13:00-17:00; sat 09:00-12:00"
_POINT = "mon-fri 09:00-12:00,13:30-17:30"
_FULL = "缴存、提取、贷款、查询、打印证明、密码重置"
_BASIC = "提取、查询、打印证明、密码重置"
_LOANS = "提取、贷款、查询、打印证明"

POINTS: tuple[PointSeed, ...] = (
    PointSeed(
        "SP01",
        "成都住房公积金营业部",
        "锦江区",
        "锦江区东大街下东大街段218号",
        30.6555,
        104.0870,
        _HALL,
        "028-86120001",
        _FULL,
    ),
    PointSeed(
        "SP02",
        "青羊服务厅",
        "青羊区",
        "青羊区人民中路二段68号",
        30.6745,
        104.0640,
        _HALL,
        "028-86120002",
        _FULL,
    ),
    PointSeed(
        "SP03",
        "金牛服务厅",
        "金牛区",
        "金牛区一环路北三段120号",
        30.6930,
        104.0550,
        _HALL,
        "028-86120003",
        _FULL,
    ),
    PointSeed(
        "SP04",
        "武侯服务厅",
        "武侯区",
        "武侯区人民南路四段19号",
        30.6310,
        104.0700,
        _HALL,
        "028-86120004",
        _FULL,
    ),
    PointSeed(
        "SP05",
        "成华服务厅",
        "成华区",
        "成华区建设北路二段8号",
        30.6690,
        104.1050,
        _HALL,
        "028-86120005",
        _FULL,
    ),
    PointSeed(
        "SP06",
        "高新服务厅",
        "高新区",
        "高新区天府大道中段688号",
        30.5800,
        104.0650,
        _HALL,
        "028-86120006",
        _FULL,
    ),
    PointSeed(
        "SP07",
        "高新西区服务点",
        "高新区",
        "高新区西芯大道5号",
        30.7430,
        103.9300,
        _POINT,
        "028-86120007",
        _BASIC,
    ),
    PointSeed(
        "SP08",
        "天府新区服务厅",
        "天府新区",
        "天府新区华阳大道一段95号",
        30.5050,
        104.0700,
        _HALL,
        "028-86120008",
        _FULL,
    ),
    PointSeed(
        "SP09",
        "龙泉驿服务厅",
        "龙泉驿区",
        "龙泉驿区大面街道成龙大道二段888号",
        30.5910,
        104.1850,
        _HALL,
        "028-86120009",
        _FULL,
    ),
    PointSeed(
        "SP10",
        "新都服务厅",
        "新都区",
        "新都区三河街道新都大道西段66号",
        30.7900,
        104.1550,
        _HALL,
        "028-86120010",
        _FULL,
    ),
    PointSeed(
        "SP11",
        "温江服务厅",
        "温江区",
        "温江区光华大道三段1588号",
        30.6930,
        103.9250,
        _HALL,
        "028-86120011",
        _FULL,
    ),
    PointSeed(
        "SP12",
        "双流服务厅",
        "双流区",
        "双流区棠湖西路二段36号",
        30.5760,
        103.9230,
        _HALL,
        "028-86120012",
        _FULL,
    ),
    PointSeed(
        "SP13",
        "郫都犀浦服务点",
        "郫都区",
        "郫都区犀浦街道百草路12号",
        30.7600,
        103.9700,
        _POINT,
        "028-86120013",
        _LOANS,
    ),
    PointSeed(
        "SP14",
        "金牛茶店子服务点",
        "金牛区",
        "金牛区蜀西路46号",
        30.7000,
        104.0100,
        _POINT,
        "028-86120014",
        _BASIC,
    ),
    PointSeed(
        "SP15",
        "锦江东大门服务点",
        "锦江区",
        "锦江区成龙大道一段56号",
        30.6090,
        104.1200,
        _POINT,
        "028-86120015",
        _BASIC,
    ),
    PointSeed(
        "SP16",
        "成华龙潭服务点",
        "成华区",
        "成华区龙潭街道华盛路58号",
        30.7200,
        104.1500,
        _POINT,
        "028-86120016",
        _LOANS,
    ),
    PointSeed(
        "SP17",
        "武侯簇桥服务点",
        "武侯区",
        "武侯区簇锦北路6号",
        30.6150,
        104.0150,
        "mon-sun 09:00-17:00",
        "028-86120017",
        _BASIC,
    ),
)
