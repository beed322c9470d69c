import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTIONS = [
    ("submit", "Gửi phản ánh"),
    ("reject", "Từ chối"),
    ("assign", "Chuyển cơ quan xử lý"),
    ("start", "Bắt đầu xử lý"),
    ("request_extension", "Xin gia hạn"),
    ("approve_extension", "Duyệt gia hạn"),
    ("deny_extension", "Không duyệt gia hạn"),
    ("invite", "Mời phối hợp"),
    ("send_back", "Chuyển lại IOC"),
    ("submit_result", "Gửi kết quả"),
    ("publish", "Duyệt và công bố kết quả"),
    ("return_result", "Trả lại kết quả"),
    ("rate", "Đánh giá"),
    ("reply", "Phản hồi kết quả"),
    ("reopen", "Mở lại"),
    ("hide", "Ẩn khỏi công khai"),
    ("unhide", "Bỏ ẩn"),
    ("hide_approve", "Giám sát duyệt ẩn"),
    ("merge", "Gộp phản ánh trùng"),
    ("merged_in", "Nhận phản ánh trùng"),
    ("overdue", "Quá hạn"),
    ("status_notice", "Thông báo tình trạng"),
    ("recategorize", "Đổi lĩnh vực"),
    ("assign_officer", "Phân công cán bộ xử lý"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0015_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="unit_head",
            field=models.BooleanField(default=False, verbose_name="trưởng đơn vị"),
        ),
        migrations.AddField(
            model_name="report",
            name="assigned_officer",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assigned_reports",
                to=settings.AUTH_USER_MODEL,
                verbose_name="cán bộ được phân công",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="officer_assigned_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="thời điểm phân công cán bộ"
            ),
        ),
        migrations.AlterField(
            model_name="transition",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=30),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["assigned_officer", "status"], name="report_officer_status_idx"
            ),
        ),
    ]
