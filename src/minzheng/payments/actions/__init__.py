"""State changes of payments. Each is permission-checked, audited, and one transaction (the roll
itself commits in chunks so that it can be resumed; see `jobs.run_roll`).

The package re-exports every public action, so callers import from `minzheng.payments.actions`;
private helpers live in their submodules."""

from __future__ import annotations

from minzheng.payments.actions.accounts import (
    ACCOUNT,
    do_correct_account,
    do_register_bank_account,
    do_register_bank_accounts,
    do_register_provider_account,
    mask_account,
)
from minzheng.payments.actions.bank_files import (
    bank_file_rows,
    do_download_bank_file_page,
    do_export_bank_file,
    do_import_bank_return,
    do_reissue_failed,
    exception_queue,
    exception_queue_for,
    lines_visible_to,
)
from minzheng.payments.actions.bank_templates import (
    bank_templates_for,
    default_template,
    do_decide_return_codes,
    do_save_bank_template,
    may_edit_template,
)
from minzheng.payments.actions.partner import (
    PARTNER_SCOPE,
    do_download_bank_file,
    do_partner_import_return,
    partner_bank_file,
    partner_bank_files,
)
from minzheng.payments.actions.price_index import (
    PRICE_COLUMNS,
    do_enter_price_index,
    do_import_price_indices,
    price_index_rows,
)
from minzheng.payments.actions.rolls import do_approve_roll, do_run_roll, do_send_back_roll
from minzheng.payments.actions.temporary import do_create_temporary_case, do_decide_temporary_case

__all__ = [
    "ACCOUNT",
    "PARTNER_SCOPE",
    "PRICE_COLUMNS",
    "bank_file_rows",
    "bank_templates_for",
    "default_template",
    "do_approve_roll",
    "do_correct_account",
    "do_create_temporary_case",
    "do_decide_return_codes",
    "do_decide_temporary_case",
    "do_download_bank_file",
    "do_download_bank_file_page",
    "do_enter_price_index",
    "do_export_bank_file",
    "do_import_bank_return",
    "do_import_price_indices",
    "do_partner_import_return",
    "do_register_bank_account",
    "do_register_bank_accounts",
    "do_register_provider_account",
    "do_reissue_failed",
    "do_run_roll",
    "do_save_bank_template",
    "do_send_back_roll",
    "exception_queue",
    "exception_queue_for",
    "lines_visible_to",
    "mask_account",
    "may_edit_template",
    "partner_bank_file",
    "partner_bank_files",
    "price_index_rows",
]
