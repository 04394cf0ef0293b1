"""Paper registration forms: the form, its dialog from the dossier, and the batch entry."""

from eticket_desk.ui.subscriptions.batch_entry import BatchEntryScreen
from eticket_desk.ui.subscriptions.dialog import SubscriptionDialog
from eticket_desk.ui.subscriptions.form import SavedForm, SubscriptionForm

__all__ = ["BatchEntryScreen", "SavedForm", "SubscriptionDialog", "SubscriptionForm"]
