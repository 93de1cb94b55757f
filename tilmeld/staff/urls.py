from tilmeld.staff import checkin, dashboard, exports, messages

app_name = "staff"
urlpatterns = [
    *dashboard.urlpatterns,
    *exports.urlpatterns,
    *messages.urlpatterns,
    *checkin.urlpatterns,
]
