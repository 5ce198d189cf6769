"""Tokens, the key set, the schemas and the handshake (contract §3–4): glue onto ``context.scenes.events``."""
from behave import given, then, when


@given("that genuine token opens the event stream")
def step_genuine_opens(context):
    context.scenes.events.streams.open_latest().close()


@when("a subscriber opens the event stream presenting {presented:RefusedToken}")
def step_present_refused(context, presented):
    context.scenes.events.streams.present(presented, "refused")


@when("a subscriber opens the event stream presenting {presented:AcceptedToken}")
def step_present_accepted(context, presented):
    context.scenes.events.streams.present(presented, "accepted")


@when("a subscriber opens the fallback stream the Gateway named, without a token")
def step_open_fallback(context):
    context.scenes.events.streams.open_fallback()


@then("the Gateway refuses the handshake with HTTP {status:d} within {limit:Duration}")
def step_handshake_refused(context, status, limit):
    context.scenes.events.streams.refused_with(status, limit)


@then("the Gateway accepts the handshake within {limit:Duration}")
def step_handshake_accepted(context, limit):
    context.scenes.events.streams.accepted_within(limit)


@when("I read the key set the Gateway publishes for event tokens")
def step_read_jwks(context):
    context.scenes.events.claims.read_key_set()


@then("the key set holds at least one key")
def step_jwks_not_empty(context):
    context.scenes.events.claims.not_empty()


@then("no published key is a shared secret")
def step_jwks_no_symmetric(context):
    context.scenes.events.claims.no_shared_secret()


@then("no published key carries private key material")
def step_jwks_no_private(context):
    context.scenes.events.claims.no_private_material()


@then("the strategy's token verifies against the published key set")
def step_token_verifies(context):
    context.scenes.events.claims.token_verifies()


@then("every published key names its own key id, its type, its algorithm and its use for signatures")
def step_jwks_entries(context):
    context.scenes.events.claims.keys_describe_themselves()


@then("the key set publishes every signing key the Gateway holds")
def step_jwks_every_key(context):
    context.scenes.events.claims.publishes_every_held_key()


@then("a token signed with each published key opens the event stream")
def step_each_key_opens(context):
    context.scenes.events.streams.each_published_key_opens()


@then('both tokens are for the "{audience}" audience with the strategy as their subject')
def step_tokens_audience(context, audience):
    context.scenes.events.claims.audience_and_subject(audience)


@then("both tokens name their world, the strategy, and the topics each asked for")
def step_tokens_scope(context):
    context.scenes.events.claims.name_their_subscription()


@then("the two tokens have different token ids")
def step_tokens_jti(context):
    context.scenes.events.claims.distinct_ids()


@then("each token's header names its algorithm, a published key id and the JWT type")
def step_tokens_header(context):
    context.scenes.events.claims.headers_name_published_keys()


@then("each token was issued when it was asked for and expires the configured token lifetime later")
def step_tokens_lifetime(context):
    context.scenes.events.claims.issued_now_for_the_lifetime()


@then("the expiry the Gateway stated for each token is that token's own expiry, in UTC")
def step_tokens_expires_at(context):
    context.scenes.events.claims.expiry_stated()


@then("the Gateway publishes a JSON Schema for each of {kinds:Names}")
def step_schemas(context, kinds):
    context.scenes.events.claims.schema_per_event_type(kinds)


@when("a subscriber opens the event stream presenting {presented:PresentedToken} and offering {offer:SubprotocolOffer}")
def step_present_offering(context, presented, offer):
    context.scenes.events.subprotocols.present(presented, offer)


@then("the handshake answer selects {selected:SelectedSubprotocol}")
def step_subprotocol_selected(context, selected):
    context.scenes.events.subprotocols.selected(selected)
