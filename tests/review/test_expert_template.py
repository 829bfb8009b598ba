"""The template of the expert pool's XLSX import (review/expert_views.py): the legal office downloads it from the
import page, with the header row the import reads and one example row; the file imports back as it is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from review import experts
from review.models import Expert

pytestmark = pytest.mark.usefixtures("english")

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_legal_office_downloads_the_template_from_the_import_page(client, world):
    client.force_login(world.legal_reviewer)
    url = reverse("review:expert_import_template")
    assert url in client.get(reverse("review:expert_import"), **EN).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="experts.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["姓名", "专业领域", "工作单位", "职称", "联系方式", "利益声明"]
    assert rows[0] == [names[0] for names in experts.IMPORT_COLUMNS.values()]
    assert all(f"{header}/" in experts.import_columns() for header in rows[0])
    assert rows[1] == ["张三", "交通规划、城市管理", "示例大学", "教授", "13800000000", ""]
    assert len(rows) == 2


def test_the_downloaded_template_imports_back_as_it_is(client, world):
    client.force_login(world.legal_reviewer)
    content = client.get(reverse("review:expert_import_template")).content
    upload = SimpleUploadedFile("experts.xlsx", content, content_type=XLSX_TYPE)
    response = client.post(reverse("review:expert_import"), {"file": upload}, **EN)
    assert response.status_code == 200
    assert "1 expert was added to the pool." in response.content.decode()
    expert = Expert.objects.get()
    assert (expert.organ, expert.name, expert.fields, expert.institution, expert.title, expert.contact) == (
        world.city,
        "张三",
        "交通规划、城市管理",
        "示例大学",
        "教授",
        "13800000000",
    )


@pytest.mark.parametrize("persona", ["drafter", "gov", "supervisor"])
def test_only_the_legal_office_downloads_the_template(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("review:expert_import_template")).status_code == 403


def test_the_template_is_read_only(client, world):
    client.force_login(world.legal_reviewer)
    assert client.post(reverse("review:expert_import_template")).status_code == 405
