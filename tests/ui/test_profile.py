"""The unit profile dialog: what it shows for what is typed (letterhead, phone)."""

from __future__ import annotations

from dataclasses import replace

from kpdesk import draft as drafts
from ui.profile import ProfileDialog


def test_the_letterhead_hint_follows_the_level_and_name_typed(qtbot, store, kit):
    dialog = ProfileDialog(store, None, first_run=True)
    qtbot.addWidget(dialog)
    dialog.level.setCurrentText("phường")
    kit.commit(dialog.name, "Hạc Thành")
    hint = dialog.agency.edit.placeholderText()
    assert "ỦY BAN NHÂN DÂN / PHƯỜNG HẠC THÀNH" in hint and "XÃ" not in hint
    dialog.level.setCurrentText("thị trấn")
    assert "THỊ TRẤN HẠC THÀNH" in dialog.agency.edit.placeholderText()


def test_the_phone_box_shows_the_number_as_its_note_does_and_saves_it_unchanged(qtbot, store, kit):
    profile = replace(kit.profile_for(drafts.load(kit.EXAMPLES[0])), contact_phone="02373852123")
    unit_id = store.save_unit(profile)
    dialog = ProfileDialog(store, store.unit(unit_id))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    phone = dialog.contact_phone
    assert phone.edit.text() == "0237 3852 123"
    assert not phone.note.isVisible(), "nothing to add under a number shown as it will print"
    dialog.accept()
    assert store.unit(unit_id).contact_phone == "02373852123"


def test_a_refused_save_opens_the_tab_of_the_field_named_and_changes_nothing(qtbot, store, kit):
    """Both profile dialogs (the commune's and the department's) share one way of showing the store's refusal."""
    from ui.department.profile import DepartmentProfileDialog

    profile = kit.profile_for(drafts.load(kit.EXAMPLES[0]))
    unit_id = store.save_unit(profile)
    before = store.unit(unit_id)
    for dialog in (ProfileDialog(store, store.unit(unit_id)), DepartmentProfileDialog(store, None)):
        qtbot.addWidget(dialog)
        dialog.show()
        kit.replace_text(dialog.contact_email.edit, "không-phải-thư")
        dialog.accept()
        assert dialog.error.isVisible() and "Chưa lưu được" in dialog.error.text()
        assert dialog.tabs.currentIndex() == 1, "the «Người liên hệ» tab, where the e-mail is"
        assert dialog.focusWidget() is dialog.contact_email.focus_target()
        assert dialog.result() == 0 and dialog.saved_id is None
    assert store.unit(unit_id) == before
    assert store.department() is None
