"""Running the portal: backups, metrics, logs, scaling."""

from pathlib import Path

from .env import BASE_DIR, env_list, env_str

# --- backups (manage.py backup_create / backup_prune / backup_restore; README, "Backups") ---
# Each backup is a folder here (database dump, media archive, manifest); keep it on another
# disk than the database and media, and copy it off the machine.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
# Pruning keeps the newest backup of each of the last N days that have one, and of N weeks.
BACKUP_KEEP_DAILY = int(env_str("BACKUP_KEEP_DAILY", "7"))
BACKUP_KEEP_WEEKLY = int(env_str("BACKUP_KEEP_WEEKLY", "4"))

# --- operators' metrics (/metrics, Prometheus text format) ---
# Readable from these client addresses, or with `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
