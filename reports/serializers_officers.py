"""API input of the agency's own actions (reports.services.officers)."""

from rest_framework import serializers


class OfficerAssignSerializer(serializers.Serializer):
    officer = serializers.IntegerField(
        min_value=1, help_text="The id of an active officer of the agency handling the report."
    )
