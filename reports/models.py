from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Portal account. Created at project start so later roles need no user-model swap."""

    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
