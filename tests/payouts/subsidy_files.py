"""Subsidy files as departments make them (Excel from Excel/WPS, CSV in GB18030 or UTF-8), for the tests."""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = [
    "记录编号",
    "统一社会信用代码",
    "企业名称",
    "政策名称",
    "事项或项目名称",
    "金额（元）",
    "发放日期",
    "资金来源",
    "资金层级",
]


DEFAULTS = {
    "name": "宜昌测试科技有限公司",
    "policy": "宜昌市促进科技创新若干政策",
    "item": "高新技术企业认定奖励",
    "amount": "200000.00",
    "paid_on": "2026-09-30",
    "source": "2026年市级科技创新专项资金",
    "level": "市级",
}


def row(record_id, uscc, **fields):
    """One row in the order of HEADER; any of DEFAULTS' keys may be given."""
    values = {**DEFAULTS, **fields}
    return [record_id, uscc, *(values[key] for key in DEFAULTS)]


def xlsx(rows, header=HEADER, *, title=None, name="奖补数据.xlsx") -> SimpleUploadedFile:
    """An .xlsx whose cells keep their Python types: a date is a date cell, a number a number cell, a code text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy/m/d"
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(rows, header=HEADER, *, encoding="gb18030", name="奖补数据.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        writer.writerow(values)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))
