from decisions.forms import StepRecordForm

from .models import DepartmentConsultation, ExpertReview, FairCompetitionReview, RiskAssessment


class ExpertReviewForm(StepRecordForm):
    class Meta:
        model = ExpertReview
        fields = ["experts", "assessing_org", "conflicts_declared", "opinion_summary"]


class RiskAssessmentForm(StepRecordForm):
    class Meta:
        model = RiskAssessment
        fields = ["risk_level", "controllable", "assessing_org", "measures"]


class FairCompetitionReviewForm(StepRecordForm):
    class Meta:
        model = FairCompetitionReview
        fields = ["conclusion"]


class DepartmentConsultationForm(StepRecordForm):
    class Meta:
        model = DepartmentConsultation
        fields = ["units_consulted", "disagreements"]
