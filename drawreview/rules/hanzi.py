"""Traditional characters read as the simplified ones the rules look for: a sheet from a Hong Kong,
Macau or Taiwan office, or an older institute's font, writes ``地下一層平面圖``, ``防火門``, ``消防車道``;
the engine's words (titles, notes, tables, layer and block names) are written in simplified characters.

``simplified`` maps each traditional character of the engine's vocabulary (and of the words a drawing
set commonly writes about buildings) to its simplified form; every other character is kept as written.
It is applied where a text, a layer name or a block name is first read (``wording``, ``layers``,
``doorcodes``), so every reading downstream sees simplified words.
"""

from __future__ import annotations

# traditional, simplified; pairs run together
PAIRS = (
    "圖图層层築筑積积設设線线級级門门類类單单間间車车廳厅場场標标規规噴喷個个滅灭區区統统應应邊边數数過过無无樓楼護护別别紙纸劃划輪轮閃闪電电結结構构庫库紅红綠绿項项"
    "範范參参號号觀观測测帶带萬万實实檢检業业備备豎竖質质頂顶見见僅仅週周讀读閉闭寬宽網网術术則则編编兩两稱称裝装詳详兒儿鋼钢說说簽签眾众礙碍緣缘點点讓让擊击錯错誤误"
    "問问題题風风辦办請请醫医灑洒頭头沒没學学營营處处現现環环許许戶户會会陽阳臺台撲扑預预經经濟济進进這这錄录據据識识強强機机纜缆煙烟調调氣气廚厨慮虑園园養养娛娱樂乐"
    "診诊館馆廠厂倉仓濕湿斷断釐厘塊块員员從从選选發发復复頁页該该盡尽鄰邻遠远報报議议擬拟狀状險险軸轴驗验屬属側侧緻致淨净簷檐長长條条頃顷審审認认連连體体磚砖專专際际"
    "總总負负覽览國国儲储務务動动計计離离寫写樣样東东熱热顯显導导繪绘棟栋廁厕衛卫樑梁牆墙簾帘捲卷階阶後后裡里裏里鐵铁廣广綜综準准壓压響响達达運运輸输變变給给燈灯對对"
    "為为與与們们來来時时開开關关緊紧軌轨獨独臨临雙双轉转幾几歷历夾夹欄栏桿杆隊队聯联鬆松窩窝羅罗蘭兰藥药藝艺華华協协紀纪寧宁龍龙圍围嚴严產产價价錢钱買买賣卖擋挡漿浆"
    "礎础樁桩廈厦寢寝餘余淺浅態态嘗尝懸悬稅税葉叶殘残災灾爐炉溫温滿满鍋锅戲戏劇剧療疗謂谓鳥鸟齊齐較较細细終终組组織织練练約约綫线喪丧傷伤勞劳勢势勵励巖岩歲岁濾滤壩坝"
    "墻墙墊垫廢废彈弹徑径慣惯戰战攝摄擴扩棄弃檔档歸归氫氢澆浇瀝沥灣湾燒烧犧牺瑩莹畫画癥症硏研礦矿禮礼穩稳窯窑竊窃籌筹紋纹縱纵縮缩繩绳羣群聖圣職职脅胁腦脑艙舱藍蓝蘇苏"
    "蟲虫襯衬訊讯詢询證证講讲貨货費费賓宾趕赶躍跃輕轻辭辞遲迟適适遞递釘钉鉛铅銅铜鋪铺鎖锁鏡镜鑽钻閥阀闊阔隱隐雜杂雞鸡韓韩頻频顏颜飛飞駐驻驅驱髮发鬥斗麗丽黃黄齡龄竪竖"
)
TO_SIMPLIFIED = str.maketrans({PAIRS[k]: PAIRS[k + 1] for k in range(0, len(PAIRS), 2)})


def simplified(text: str) -> str:
    """``地下一層平面圖`` → ``地下一层平面图``, ``甲級防火門`` → ``甲级防火门``; any other text unchanged."""
    return text.translate(TO_SIMPLIFIED) if text and not text.isascii() else text
