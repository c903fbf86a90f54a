/**
 * The contract check: every request against its operation in openapi.yaml, the one source of
 * shape and bounds. {@link io.learngrid.http.contract.ContractValidation} is the route handler,
 * {@link io.learngrid.http.contract.ContractParameter} a parameter's check,
 * {@link io.learngrid.http.contract.ContractCopy} the copy of the contract the validators are built
 * from, {@link io.learngrid.http.contract.ContractErrors} (with {@code ErrorMessages} and
 * {@code JsonPointers}) the mapping of the library's findings to {@code errors[]}, and
 * {@link io.learngrid.http.contract.ArrayCap} the bound on the work of one body.
 * {@link io.learngrid.http.Input} reads the checked body and adds only the rules across fields.
 *
 * <h2>vertx-openapi 5.0.8: what it cannot do and how this package works around it</h2>
 * The one place these are written down (checked against its sources and this contract):
 * <ul>
 * <li>Loading: every server url is parsed as an absolute URL ({@code url: /} fails the whole
 *     contract), and a response media type outside {@code MediaType.SUPPORTED_MEDIA_TYPES}
 *     (application/problem+json, text/event-stream, application/yaml here) refuses to load. The
 *     validators are therefore built from an in-memory copy ({@code ContractCopy.forValidator});
 *     servers and responses play no part in request validation, and the served bytes stay as
 *     they are.</li>
 * <li>{@code format: email} throws StringIndexOutOfBoundsException on {@code ""} (it reads the
 *     first character), which would abort a whole validation: the copy checks the format of
 *     non-empty strings only. So {@code ""} passes the contract's Email, which has no minLength;
 *     {@code Input.email} (register, create user) and {@code Input.textWithin("email", 1, 254)}
 *     (login) refuse it. This is the one bound the contract has that Input still checks.</li>
 * <li>Defaults ({@code limit: 20}) are not applied by the library; the routes apply them (Paging).</li>
 * <li>Its {@code RequestValidator} is not used per request: for every parameter of every request it
 *     builds a new schema validator (which copies the repository's whole lookup map: ~30 µs), it
 *     runs even a single path parameter on a worker thread, stops at the first bad parameter,
 *     URL-decodes values that HttpServerRequest already decoded (a {@code %} in a header or query
 *     value throws, {@code +} turns into a space), and parses string values that look like JSON
 *     ({@code -5}, {@code 1.5}, {@code {}}) as numbers or objects, so such an Idempotency-Key fails
 *     {@code type: string}. Instead the same library pieces are used once: the contract's
 *     {@code SchemaRepository} builds one validator per parameter and per body at start (so
 *     formats and {@code $ref}s behave as in RequestValidator), parameters are checked on the
 *     event loop (plain schemas by a compiled predicate, see ContractParameter), bodies over 8 KiB
 *     on a worker.</li>
 * <li>The schema validator walks every item of an array even after {@code maxItems} failed and
 *     reports several errors per bad item: 63 KB of {@code {}} questions cost ~0.5 s of CPU and
 *     126,000 errors. Bodies are therefore checked with arrays cut to the largest {@code maxItems}
 *     + 1 (ArrayCap; only when every array of the schema has one), and at most
 *     {@code ContractValidation.MAX_ERRORS} errors are reported. Input does not walk an array the
 *     contract refused.</li>
 * <li>{@code additionalProperties: false} also reports declared properties whose value failed
 *     their own schema; ContractErrors ignores those.</li>
 * <li>Validators rewrite schema nodes lazily (a JsonObject value is replaced by a wrapper of the same
 *     map); each HttpVerticle instance therefore builds its own contract and validators.</li>
 * <li>A validator that throws on some other input is logged and the request goes on unchecked by
 *     the contract (never a 500); since Input no longer repeats the bounds, such a log line is a
 *     bug to fix here.</li>
 * </ul>
 *
 * <h2>Checks that are deliberately not the contract's</h2>
 * Narrower than a schema because the values are ours (ids are UUIDs: {@code Ids.body}, a
 * submitted {@code questionId} of at most 64 characters), PostgreSQL's limits (no NUL and no
 * unpaired surrogate in any string or parameter: StorableText, applied by ContractValidation to
 * every operation), and rules across fields (a choice question's answer is one of its choices, a text
 * question's answer is a non-empty string, a number question's a number; only choice questions
 * have choices).
 */
package io.learngrid.http.contract;
