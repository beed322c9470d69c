"""suggest_retrain: learns the verified reports, stores a version the web workers reload."""

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report
from suggest import store
from suggest.models import SuggestModel
from suggest.selectors import category_suggest
from suggest.services import suggest_model_retrain

# A word no category's own text has: only reports can teach it.
TEACHING = [(f"Con trâu thứ {n} lạc vào khu dân cư, phá hoa màu", "khac") for n in range(12)]


def top(text: str) -> str:
    return category_suggest(text=text)[0].code


@pytest.mark.django_db
def test_before_any_training_the_seed_model_is_served(categories):
    assert top("mất điện cả xóm") == "ha-tang-dien"
    assert store.model_served_version() is None
    assert not SuggestModel.objects.exists()


@pytest.mark.django_db
def test_retraining_learns_verified_reports_and_workers_reload_it(categories, file_reports):
    assert top("trâu lạc phá hoa màu") != "khac"
    file_reports(TEACHING)
    outcome = suggest_model_retrain()
    assert outcome.created and outcome.reports == len(TEACHING)
    assert top("trâu lạc phá hoa màu") == "khac"
    assert store.model_served_version() == outcome.version


@pytest.mark.django_db
def test_a_worker_sees_a_new_model_once_its_check_interval_is_up(
    categories, file_reports, settings
):
    file_reports(TEACHING)
    first = suggest_model_retrain().version
    top("ổ gà")
    settings.SUGGEST_MODEL_CHECK_SECONDS = 3600
    file_reports([("Trâu bò thả rông ngoài đường", "khac")])
    second = suggest_model_retrain().version
    top("ổ gà")
    assert store.model_served_version() == first  # not asked again yet
    settings.SUGGEST_MODEL_CHECK_SECONDS = 0
    top("ổ gà")
    assert store.model_served_version() == second


@pytest.mark.django_db
def test_only_reports_the_ioc_verified_are_learnt(categories, file_reports):
    file_reports(TEACHING[:3], status=Report.Status.SUBMITTED)
    file_reports(TEACHING[3:6], status=Report.Status.REJECTED)
    file_reports(TEACHING[6:8], status=Report.Status.PUBLISHED)
    file_reports(TEACHING[8:9], status=Report.Status.IN_PROGRESS)
    assert suggest_model_retrain().reports == 3


@pytest.mark.django_db
def test_retraining_on_unchanged_data_stores_nothing(categories, file_reports):
    file_reports(TEACHING)
    first = suggest_model_retrain()
    again = suggest_model_retrain()
    assert not again.created and again.up_to_date and again.version == first.version
    assert SuggestModel.objects.count() == 1


@pytest.mark.django_db
def test_only_the_newest_versions_are_kept(categories, file_reports, settings):
    settings.SUGGEST_MODEL_KEEP = 2
    versions = []
    for sample in TEACHING[:3]:
        file_reports([sample])
        versions.append(suggest_model_retrain().version)
    assert list(SuggestModel.objects.order_by("id").values_list("id", flat=True)) == versions[1:]


@pytest.mark.django_db
def test_command_dry_run_trains_nothing(categories, file_reports, capsys):
    file_reports(TEACHING)
    call_command("suggest_retrain", "--dry-run")
    assert "[dry-run]" in capsys.readouterr().out and not SuggestModel.objects.exists()
    call_command("suggest_retrain")
    assert "Mô hình #" in capsys.readouterr().out
    call_command("suggest_retrain")
    assert "đã học đúng dữ liệu này" in capsys.readouterr().out
    assert SuggestModel.objects.count() == 1


@pytest.mark.django_db
def test_command_without_categories_to_learn_is_a_command_error(db):
    with pytest.raises(CommandError, match="Cần ít nhất hai lĩnh vực"):
        call_command("suggest_retrain")


def test_beat_retrains_weekly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["suggest-retrain"]
    assert entry["task"] == "suggest.tasks.suggest_retrain_task"
    assert entry["schedule"] == 7 * 24 * 3600
