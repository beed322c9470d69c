from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestModel(models.Model):
    """One trained category-suggestion model (manage.py suggest_retrain). The newest row is the
    one served; its id is the version a web worker compares before reloading. Stored in the
    database, not on a disk, so every node of the cluster serves the same model."""

    created_at = models.DateTimeField(_("thời điểm học"), auto_now_add=True)
    # The fitted model's arrays as an .npz archive (suggest.linear; loading runs no code).
    artefact = models.BinaryField(_("mô hình"))
    # sha256 of the training texts and codes: retraining on the same data is a no-op.
    fingerprint = models.CharField(_("dấu vân tay dữ liệu"), max_length=64)
    samples = models.PositiveIntegerField(_("số mẫu học"))
    reports = models.PositiveIntegerField(_("số phản ánh đã xác minh"))
    codes = models.JSONField(_("lĩnh vực"), default=list)

    class Meta:
        verbose_name = _("mô hình gợi ý lĩnh vực")
        verbose_name_plural = _("mô hình gợi ý lĩnh vực")

    def __str__(self) -> str:
        return _("#%(pk)s (%(n)s phản ánh)") % {"pk": self.pk, "n": self.reports}
