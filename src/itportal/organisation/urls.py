from django.urls import path

from itportal.organisation import views

app_name = "organisation"

urlpatterns = [
    path("tree/", views.OrgTree.as_view(), name="tree"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation_list"),
    path("organisations/add/", views.OrganisationCreate.as_view(), name="organisation_add"),
    path("organisations/<int:pk>/", views.OrganisationDetail.as_view(), name="organisation_detail"),
    path(
        "organisations/<int:pk>/edit/", views.OrganisationEdit.as_view(), name="organisation_edit"
    ),
    path(
        "organisations/<int:pk>/delete/",
        views.OrganisationDelete.as_view(),
        name="organisation_delete",
    ),
    path("units/", views.OrgUnitList.as_view(), name="orgunit_list"),
    path("units/add/", views.OrgUnitCreate.as_view(), name="orgunit_add"),
    path("units/import/", views.OrgUnitImport.as_view(), name="orgunit_import"),
    path("units/<int:pk>/", views.OrgUnitDetail.as_view(), name="orgunit_detail"),
    path("units/<int:pk>/edit/", views.OrgUnitEdit.as_view(), name="orgunit_edit"),
    path("units/<int:pk>/delete/", views.OrgUnitDelete.as_view(), name="orgunit_delete"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/add/", views.PersonCreate.as_view(), name="person_add"),
    path("people/import/", views.PersonImport.as_view(), name="person_import"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEdit.as_view(), name="person_edit"),
    path("people/<int:pk>/delete/", views.PersonDelete.as_view(), name="person_delete"),
    path("vendors/", views.VendorList.as_view(), name="vendor_list"),
    path("vendors/add/", views.VendorCreate.as_view(), name="vendor_add"),
    path("vendors/import/", views.VendorImport.as_view(), name="vendor_import"),
    path("vendors/<int:pk>/", views.VendorDetail.as_view(), name="vendor_detail"),
    path("vendors/<int:pk>/edit/", views.VendorEdit.as_view(), name="vendor_edit"),
    path("vendors/<int:pk>/delete/", views.VendorDelete.as_view(), name="vendor_delete"),
    path("vendor-contacts/add/", views.VendorContactCreate.as_view(), name="vendorcontact_add"),
    path(
        "vendor-contacts/<int:pk>/edit/",
        views.VendorContactEdit.as_view(),
        name="vendorcontact_edit",
    ),
    path(
        "vendor-contacts/<int:pk>/delete/",
        views.VendorContactDelete.as_view(),
        name="vendorcontact_delete",
    ),
    path("bodies/", views.BodyList.as_view(), name="body_list"),
    path("bodies/add/", views.BodyCreate.as_view(), name="body_add"),
    path("bodies/<int:pk>/", views.BodyDetail.as_view(), name="body_detail"),
    path("bodies/<int:pk>/edit/", views.BodyEdit.as_view(), name="body_edit"),
    path("bodies/<int:pk>/delete/", views.BodyDelete.as_view(), name="body_delete"),
    path("memberships/add/", views.MembershipCreate.as_view(), name="bodymembership_add"),
    path("memberships/<int:pk>/edit/", views.MembershipEdit.as_view(), name="bodymembership_edit"),
    path(
        "memberships/<int:pk>/delete/",
        views.MembershipDelete.as_view(),
        name="bodymembership_delete",
    ),
]
