"""The OpenAPI document: valid, and listing every JSON endpoint the app serves."""

from openapi_spec_validator import validate

from clearinghouse.openapi import VARIABLE

HTTP_METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


def test_the_openapi_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_and_method_is_in_the_document(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = VARIABLE.sub(r"{\2}", rule.rule)
            for method in rule.methods & HTTP_METHODS:
                assert method.lower() in paths[path], f"{method} {path} is undocumented"


def test_schemas_in_the_document_name_the_vocabulary(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert set(schemas["IssueInput"]["required"]) == {"title", "category"}
    assert "IssuePage" in schemas
    assert "Problem" in schemas


def test_writes_are_documented_as_needing_a_bearer_token(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert paths["/api/v1/issues"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/api/v1/issues"]["get"]


def test_each_operation_documents_the_errors_it_can_answer(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    create = paths["/api/v1/issues"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "413", "415", "422"} <= set(create)
    assert {"200", "401", "404"} <= set(paths["/api/v1/processes/{slug}"]["get"]["responses"])
    assert "422" in paths["/api/v1/processes"]["get"]["responses"]
    dry_run = paths["/api/v1/assess"]["post"]["responses"]
    assert "403" not in dry_run and "422" in dry_run
