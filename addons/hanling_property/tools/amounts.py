"""人民币大写: amounts in Chinese capitals, for receipts (errands, fees)."""

_CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_UNITS = ["", "拾", "佰", "仟"]
_CN_SECTIONS = ["", "万", "亿"]


def amount_in_chinese(amount):
    """人民币大写 of an amount, as written on Chinese receipts (e.g. 壹佰贰拾元伍角整).

    Our own on purpose: num2words as Odoo 18 pins it (0.5.10/0.5.13) has no Chinese, and its
    later lang_ZH writes Taiwan's forms (貳, 陸, 圓); l10n_cn's ``_convert_to_amount_in_word``
    needs cn2an, which Odoo does not require, and words amounts differently (no 整 after 角,
    壹佰万玖仟 for 1,009,000), so receipts already given would no longer match.
    """
    cents = round(abs(amount) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = ""
    if yuan:
        sections = []
        while yuan:
            sections.append(yuan % 10000)
            yuan //= 10000
        need_zero = False
        for index in range(len(sections) - 1, -1, -1):
            section = sections[index]
            if not section:
                need_zero = bool(words)
                continue
            text = ""
            zero = need_zero or (words and section < 1000)
            for position in range(3, -1, -1):
                digit = section // 10**position % 10
                if digit:
                    if zero:
                        text += "零"
                    text += _CN_DIGITS[digit] + _CN_UNITS[position]
                    zero = False
                elif text:
                    zero = True
            words += text + _CN_SECTIONS[index]
            need_zero = section % 10 == 0
        words += "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _CN_DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _CN_DIGITS[fen] + "分"
    else:
        words += "整"
    return words
