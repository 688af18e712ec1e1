from django.urls import path

from commentary import views

app_name = "commentary"
urlpatterns = [
    path("measures/<int:number>/", views.write, name="write"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
]
