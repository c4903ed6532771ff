"""Arrow schemas from the spec: one per list operation, read through the one schema walker."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from carecloud_async import ConfigurationError
from carecloud_async._operations import operations_table
from carecloud_async.etl import EXTRA_COLUMN, arrow_schema, item_table, primary_key

LIST_OPERATIONS = sorted(op for op, _, field in operations_table().values() if field)

# The spec's own answer, reviewed: the *_id field naming each listed resource; None where
# the entries (history lines) carry no id of their own.
PRIMARY_KEYS = {
    "getAudiences": "audience_id",
    "getBookingStatuses": "booking_status_id",
    "getBookingTicketProperties": "property_id",
    "getBookingTickets": "ticket_id",
    "getBookings": "booking_id",
    "getCampaignProductStoreRecords": "campaign_product_store_record_id",
    "getCampaignProducts": "campaign_product_id",
    "getCampaigns": "campaign_id",
    "getCardTypes": "card_type_id",
    "getCards": "card_id",
    "getCommunicationChannels": "communication_channel_id",
    "getConsents": "agreement_id",
    "getCountries": "country_id",
    "getCreditHistory": None,
    "getCreditTypes": "credit_type_id",
    "getCredits": "credit_id",
    "getCurrencies": "currency_id",
    "getCustomerAddressTypes": "address_type_id",
    "getCustomerEngagementSetups": "setup_id",
    "getCustomerExternalApps": "external_application_id",
    "getCustomerProperties": "property_id",
    "getCustomerRelationTypes": "customer_relation_type_id",
    "getCustomerSourceRecords": "customer_source_record_id",
    "getCustomerSources": "customer_source_id",
    "getCustomerTypes": "type_id",
    "getCustomers": "customer_id",
    "getEntrances": "entrance_id",
    "getEventGroups": "event_group_id",
    "getEventProperties": "property_id",
    "getEventTypes": "event_type_id",
    "getEvents": "event_id",
    "getInterests": "interest_id",
    "getMessageTemplates": "message_template_id",
    "getMessages": "message_id",
    "getOrders": "order_id",
    "getPartnerProperties": "property_id",
    "getPartners": "partner_id",
    "getPaymentTypes": "payment_type_id",
    "getPointHistory": None,
    "getPointReservations": "points_reservation_id",
    "getPoints": "point_id",
    "getPointsTypes": "point_type_id",
    "getProductBrands": "product_brand_id",
    "getProductGroups": "product_group_id",
    "getProductProperties": "property_id",
    "getProductReservationExternalListTypes": "product_reservation_external_list_type_id",
    "getProductReservationPrices": "product_reservation_price_id",
    "getProductReservationSources": "product_reservation_source_id",
    "getProductReservations": "product_reservation_id",
    "getProducts": "product_id",
    "getPurchaseItemProperties": "property_id",
    "getPurchaseItemTypes": "type_id",
    "getPurchaseProperties": "property_id",
    "getPurchaseTypes": "type_id",
    "getPurchases": "purchase_id",
    "getRecommendations": "recommendation_id",
    "getReservableProducts": "product_id",
    "getRewardProperties": "property_id",
    "getRewardRecommendations": "reward_id",
    "getRewardTypes": "reward_type_id",
    "getRewards": "reward_id",
    "getSegmentGroups": "segment_group_id",
    "getSegments": "segment_id",
    "getStamperCampaigns": "stamper_campaign_id",
    "getStamperCards": "stamper_card_id",
    "getStamperStamps": "stamp_id",
    "getStatuses": "status_id",
    "getStoreGroups": "store_group_id",
    "getStoreProperties": "property_id",
    "getStores": "store_id",
    "getSubBookingTicketsTimeSlots": "time_slot_id",
    "getSubCardTypeCards": "card_id",
    "getSubCreditPurchases": "purchase_id",
    "getSubCustomerAddresses": "additional_address_id",
    "getSubCustomerCards": "card_id",
    "getSubCustomerEvents": "event_id",
    "getSubCustomerHintRecords": "recommendation_id",
    "getSubCustomerPartners": "partner_record_id",
    "getSubCustomerPoints": "point_id",
    "getSubCustomerProperties": "property_record_id",
    "getSubCustomerPurchases": "purchase_id",
    "getSubCustomerReferrals": "referral_id",
    "getSubCustomerRelatedCustomers": "customer_relation_id",
    "getSubCustomerRewards": "reward_id",
    "getSubCustomerRewardsRecommendation": "reward_id",
    "getSubCustomerSource": "customer_source_record_id",
    "getSubCustomerStatus": "status_record_id",
    "getSubCustomerVouchers": "voucher_id",
    "getSubEventTypeProperties": "property_id",
    "getSubPointPurchases": "purchase_id",
    "getSubProductTags": "tag_id",
    "getSubPurchaseItems": "purchase_item_id",
    "getSubPurchasePoints": "point_id",
    "getSubPurchaseVouchers": "voucher_id",
    "getSubRewardProductBrands": "product_brand_id",
    "getSubRewardProductGroups": "product_group_id",
    "getSubRewardProducts": "product_id",
    "getSubRewardStores": "store_id",
    "getSubRewardTags": "tag_id",
    "getSubRewardVouchers": "voucher_id",
    "getTaskAssignees": "task_assignee_id",
    "getTaskComments": "task_comment_id",
    "getTaskProperties": "property_id",
    "getTaskStates": "task_state_id",
    "getTaskTypes": "task_type_id",
    "getTasks": "task_id",
    "getUserRoles": "user_role_id",
    "getUsers": "user_id",
    "getVoucherProperties": "property_id",
    "getVouchers": "voucher_id",
}


def test_the_primary_key_of_every_list_operation_is_the_id_naming_its_resource() -> None:
    """108 of the 110 list operations have a key (purchase_id for getPurchases); histories none."""
    assert sorted(PRIMARY_KEYS) == LIST_OPERATIONS
    assert {op: primary_key(op) for op in LIST_OPERATIONS} == PRIMARY_KEYS
    assert sum(key is not None for key in PRIMARY_KEYS.values()) == 108
    assert [op for op, key in PRIMARY_KEYS.items() if key is None] == [
        "getCreditHistory",
        "getPointHistory",
    ]


def test_every_primary_key_is_a_declared_text_or_integer_column() -> None:
    """A key always names a column of the schema, never a nested or open value."""
    for operation in LIST_OPERATIONS:
        key = primary_key(operation)
        if key is not None:
            field = arrow_schema(operation, "UTC").field(key)
            assert field.type in (pa.string(), pa.int64()), operation


def test_every_list_operation_has_a_schema_with_extra_as_its_last_column() -> None:
    """Each list operation's items map to Arrow; _extra (JSON text) always comes last."""
    for operation in LIST_OPERATIONS:
        schema = arrow_schema(operation, "Europe/Prague")
        assert schema.names[-1] == EXTRA_COLUMN
        assert schema.field(EXTRA_COLUMN).type == pa.string()
        assert schema.metadata[b"carecloud.operation"] == operation.encode()


def test_purchases_keep_project_local_times_as_timestamps_in_the_project_zone() -> None:
    """getPurchases: date-times are timestamp(us, zone), nested objects structs in lists."""
    schema = arrow_schema("getPurchases", "Europe/Prague")
    zoned = pa.timestamp("us", tz="Europe/Prague")
    assert schema.field("payment_time").type == zoned
    assert schema.field("purchase_id").type == pa.string()
    assert schema.field("items_count").type == pa.int64()
    assert schema.field("total_price").type == pa.float64()
    items = schema.field("purchase_items").type
    assert pa.types.is_list(items)
    assert pa.types.is_struct(items.value_type)
    assert items.value_type.field("price").type == pa.float64()
    properties = items.value_type.field("additional_properties").type.value_type
    assert properties.field("last_change").type == zoned
    # a property value may be a string, a number, a list or an object: JSON text
    assert properties.field("property_value").type == pa.string()
    assert schema.metadata[b"carecloud.primary_key"] == b"purchase_id"


def test_dates_enums_and_booleans_map_to_their_own_types() -> None:
    """Dates are date32, integer enums stay int64 with their plain values, booleans bool."""
    entrances = arrow_schema("getEntrances", "UTC")
    assert entrances.field("valid_from").type == pa.date32()
    assert entrances.field("state").type == pa.int64()
    assert item_table("getEntrances").column.fields[-1][1].enum == (0, 1)
    assert arrow_schema("getCustomers", "UTC").field("customer_id").type == pa.string()
    assert arrow_schema("getRewards", "UTC").field("is_automated").type == pa.bool_()


def test_a_zoneinfo_or_a_name_gives_the_same_schema() -> None:
    """The zone may be given as a ZoneInfo, the way a client holds it."""
    assert arrow_schema("getPurchases", ZoneInfo("Europe/Prague")) == arrow_schema(
        "getPurchases", "Europe/Prague"
    )


def test_a_zone_that_is_not_an_iana_name_is_refused() -> None:
    """A misspelt zone is a ConfigurationError naming it, before anything is built."""
    with pytest.raises(ConfigurationError, match="Europe/Prauge"):
        arrow_schema("getPurchases", "Europe/Prauge")


def test_an_operation_that_is_not_a_list_is_refused() -> None:
    """Only paginated list operations have item tables."""
    with pytest.raises(ConfigurationError, match="not a paginated list operation"):
        arrow_schema("getPurchase", "UTC")


def test_operations_are_found_by_endpoint_module_and_by_method_and_path() -> None:
    """The generated endpoint module and "GET /purchases" name the same table."""
    from carecloud_openapi.api.purchases import get_purchases

    assert item_table(get_purchases) == item_table("GET /purchases") == item_table("getPurchases")
