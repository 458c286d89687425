from django.urls import include, path

from itportal.registry import views

app_name = "registry"

urlpatterns = [
    path("systems/", views.SystemList.as_view(), name="system_list"),
    path("systems/add/", views.SystemCreate.as_view(), name="system_add"),
    path("systems/import/", views.SystemImport.as_view(), name="system_import"),
    path("roles/import/", views.SystemRoleImport.as_view(), name="systemrole_import"),
    path("systems/<int:pk>/", views.SystemDetail.as_view(), name="system_detail"),
    path("systems/<int:pk>/edit/", views.SystemEdit.as_view(), name="system_edit"),
    path("systems/<int:pk>/delete/", views.SystemDelete.as_view(), name="system_delete"),
    path("roles/add/", views.SystemRoleCreate.as_view(), name="systemrole_add"),
    path("roles/<int:pk>/edit/", views.SystemRoleEdit.as_view(), name="systemrole_edit"),
    path("roles/<int:pk>/delete/", views.SystemRoleDelete.as_view(), name="systemrole_delete"),
    path("usages/add/", views.SystemUsageCreate.as_view(), name="systemusage_add"),
    path("usages/<int:pk>/edit/", views.SystemUsageEdit.as_view(), name="systemusage_edit"),
    path("usages/<int:pk>/delete/", views.SystemUsageDelete.as_view(), name="systemusage_delete"),
    path("links/add/", views.SystemLinkCreate.as_view(), name="systemlink_add"),
    path("links/<int:pk>/edit/", views.SystemLinkEdit.as_view(), name="systemlink_edit"),
    path("links/<int:pk>/delete/", views.SystemLinkDelete.as_view(), name="systemlink_delete"),
    path("information/add/", views.InformationAssetCreate.as_view(), name="informationasset_add"),
    path(
        "information/<int:pk>/edit/",
        views.InformationAssetEdit.as_view(),
        name="informationasset_edit",
    ),
    path(
        "information/<int:pk>/delete/",
        views.InformationAssetDelete.as_view(),
        name="informationasset_delete",
    ),
    path("integrations/", views.IntegrationList.as_view(), name="integration_list"),
    path("integrations/add/", views.IntegrationCreate.as_view(), name="integration_add"),
    path("integrations/import/", views.IntegrationImport.as_view(), name="integration_import"),
    path("integrations/<int:pk>/", views.IntegrationDetail.as_view(), name="integration_detail"),
    path("integrations/<int:pk>/edit/", views.IntegrationEdit.as_view(), name="integration_edit"),
    path(
        "integrations/<int:pk>/delete/",
        views.IntegrationDelete.as_view(),
        name="integration_delete",
    ),
    path("capabilities/", views.CapabilityList.as_view(), name="capability_list"),
    path("capabilities/add/", views.CapabilityCreate.as_view(), name="capability_add"),
    path("capabilities/overlap/", views.CapabilityOverlap.as_view(), name="capability_overlap"),
    path("capabilities/<int:pk>/", views.CapabilityDetail.as_view(), name="capability_detail"),
    path("capabilities/<int:pk>/edit/", views.CapabilityEdit.as_view(), name="capability_edit"),
    path(
        "capabilities/<int:pk>/delete/", views.CapabilityDelete.as_view(), name="capability_delete"
    ),
    path("contracts/", views.ContractList.as_view(), name="contract_list"),
    path("contracts/add/", views.ContractCreate.as_view(), name="contract_add"),
    path("contracts/<int:pk>/", views.ContractDetail.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractEdit.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/delete/", views.ContractDelete.as_view(), name="contract_delete"),
    path("licences/", views.LicenceList.as_view(), name="licence_list"),
    path("licences/add/", views.LicenceCreate.as_view(), name="licence_add"),
    path(
        "licences/coordination/",
        views.LicenceCoordination.as_view(),
        name="licence_coordination",
    ),
    path("licences/<int:pk>/", views.LicenceDetail.as_view(), name="licence_detail"),
    path("licences/<int:pk>/edit/", views.LicenceEdit.as_view(), name="licence_edit"),
    path("licences/<int:pk>/delete/", views.LicenceDelete.as_view(), name="licence_delete"),
    path("compliance/", include("itportal.registry.urls_compliance")),
    path("impact/", include("itportal.registry.urls_impact")),
    path("archimate/", include("itportal.registry.urls_archimate")),
]
