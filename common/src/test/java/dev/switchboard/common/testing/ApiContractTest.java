package dev.switchboard.common.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The contract check fails on the drifts it exists for: a renamed field, a wrong type, an undocumented status. */
class ApiContractTest {

    private static final ApiContract CONTRACT = ApiContract.of("""
        {"openapi": "3.1.0", "servers": [{"url": "http://localhost:1234"}],
         "paths": {"/api/things/{id}": {"get": {"responses": {"200": {"content": {"application/json": {
           "schema": {"$ref": "#/components/schemas/Answer"}}}}}}}},
         "components": {"schemas": {
           "Answer": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Thing"}}},
           "Thing": {"type": "object", "properties": {"is_active": {"type": "boolean"},
             "weight": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}}}}}
        """);
    private static final ApiContract.Operation GET = new ApiContract.Operation("GET", "/api/things/{id}");

    @Test
    void shouldAcceptAnAnswerAsDocumentedWithNullsAndFieldsLeftOut() {
        assertThatCode(() -> CONTRACT.assertAnswer(GET, 200,
            "{\"data\": {\"is_active\": true, \"weight\": null, \"tags\": [\"a\"]}}")).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAFieldTheDescriptionDoesNotName() {
        assertThatThrownBy(() -> CONTRACT.assertAnswer(GET, 200, "{\"data\": {\"isActive\": true}}"))
            .isInstanceOf(AssertionError.class).hasMessageContaining("isActive");
    }

    @Test
    void shouldRefuseAFieldOfAnotherType() {
        assertThatThrownBy(() -> CONTRACT.assertAnswer(GET, 200, "{\"data\": {\"weight\": \"ten\"}}"))
            .isInstanceOf(AssertionError.class).hasMessageContaining("weight");
    }

    @Test
    void shouldRefuseAStatusTheOperationDoesNotDocument() {
        assertThatThrownBy(() -> CONTRACT.assertAnswer(GET, 201, "{}"))
            .isInstanceOf(AssertionError.class).hasMessageContaining("documents no 201");
    }
}
