import type { UserFromGetMe } from "grammy/types";

/** The identity of the bot under test, as getMe would describe it (also the benchmark's bots). */
export function testBotInfo(username = "belm_test_bot"): UserFromGetMe {
  return {
    id: 999000,
    is_bot: true,
    first_name: "Belm Test Bot",
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
