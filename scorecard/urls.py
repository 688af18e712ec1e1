from django.urls import path, re_path

from scorecard import views

app_name = "scorecard"
DOWNLOAD = r"download\.(?P<fmt>csv|xlsx)"

urlpatterns = [
    path("", views.live, name="live"),
    re_path(rf"^{DOWNLOAD}$", views.live_download, name="download"),
    path("changes/", views.live_changes, name="changes"),
    path("board-pack/", views.board_pack, name="board_pack"),
    path("board-pack.pdf", views.board_pack_pdf, name="board_pack_pdf"),
    path("publish/", views.publish, name="publish"),
    path("measures/<int:number>/", views.measure_detail, name="measure"),
    path("measures/<int:number>/target/", views.target, name="target"),
    path("editions/", views.edition_list, name="editions"),
    path("editions/compare/", views.edition_compare, name="compare"),
    path("editions/<str:name>/", views.edition_detail, name="edition"),
    re_path(
        rf"^editions/(?P<name>[^/]+)/{DOWNLOAD}$",
        views.edition_download,
        name="edition_download",
    ),
    path("editions/<str:name>/changes/", views.edition_changes, name="edition_changes"),
    path("editions/<str:name>/board-pack/", views.board_pack, name="edition_board_pack"),
    path(
        "editions/<str:name>/board-pack.pdf",
        views.board_pack_pdf,
        name="edition_board_pack_pdf",
    ),
]
