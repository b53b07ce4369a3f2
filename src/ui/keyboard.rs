//! The window's shortcuts, read in one place each frame and handed to the screen in sight:
//! Ctrl+F the search field, F5 « Actualiser », ↑ ↓ the selected row, Enter its detail,
//! Escape the topmost dialog or the detail panel.
//!
//! A text field with the focus keeps its keys: the arrows move its caret, Enter validates
//! it, Escape leaves it (egui's own behaviour).

use egui::{Key, KeyboardShortcut, Modifiers};

/// Ids of the search fields Ctrl+F focuses (given to their `TextEdit::id`).
pub const CONTROL_SEARCH_ID: &str = "control_search";
pub const DIRECTORY_SEARCH_ID: &str = "directory_search";
pub const MANAGER_SEARCH_ID: &str = "manager_search";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    FocusSearch,
    Refresh,
    Previous,
    Next,
    Open,
    Close,
}

/// The shortcuts pressed since the last frame, taken out of egui's input so that no widget
/// acts on them a second time. While a modal dialog or a drop-down list is open, the keys
/// are theirs: arrows and Space choose in the list, Escape closes the list or asks the
/// dialog (which may have unsaved edits) to close; nothing is taken.
pub fn read(ctx: &egui::Context, dialog_open: bool) -> Vec<Command> {
    if dialog_open || egui::Popup::is_any_open(ctx) {
        return Vec::new();
    }
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        let mut commands = Vec::new();
        if input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)) {
            commands.push(Command::FocusSearch);
        }
        if input.consume_key(Modifiers::NONE, Key::F5) {
            commands.push(Command::Refresh);
        }
        if typing {
            return commands;
        }
        for (key, command) in [
            (Key::ArrowUp, Command::Previous),
            (Key::ArrowDown, Command::Next),
            (Key::Enter, Command::Open),
            (Key::Escape, Command::Close),
        ] {
            // Held down, a key repeats: each press moves one row.
            let presses = input.count_and_consume_key(Modifiers::NONE, key);
            commands.extend(std::iter::repeat_n(command, presses));
        }
        commands
    })
}

/// Gives the keyboard focus to the search field `id` (drawn this frame or the next).
pub fn focus_search(ctx: &egui::Context, id: &str) {
    ctx.memory_mut(|m| m.request_focus(egui::Id::unique(id)));
}

impl super::ChorusDepotApp {
    /// Reads this frame's shortcuts and hands each to the screen in sight.
    pub(super) fn handle_keys(&mut self, ctx: &egui::Context) {
        for command in read(ctx, self.modal_open()) {
            self.on_key(ctx, command);
        }
    }

    fn on_key(&mut self, ctx: &egui::Context, command: Command) {
        use super::Tab;
        match command {
            Command::FocusSearch => match self.tab {
                Tab::Directory => focus_search(ctx, DIRECTORY_SEARCH_ID),
                Tab::Manager => {
                    self.manager.view = super::manager::View::Tree;
                    focus_search(ctx, MANAGER_SEARCH_ID);
                }
                // The toolbar's search filters the invoices of the control and deposit tabs.
                Tab::Control | Tab::Deposit | Tab::Accounts => focus_search(ctx, CONTROL_SEARCH_ID),
            },
            Command::Refresh => {
                if !self.session.is_busy() {
                    self.apply_toolbar(Some(super::toolbar::Action::Refresh));
                }
            }
            Command::Close => self.close_topmost(),
            Command::Previous | Command::Next | Command::Open => match self.tab {
                Tab::Control => {
                    if let Some(model) = &mut self.control {
                        match command {
                            Command::Previous => model.move_cursor(-1),
                            Command::Next => model.move_cursor(1),
                            _ => model.open_cursor(),
                        };
                    }
                }
                Tab::Directory => {
                    if let Some(super::directory_tab::Action::ShowStructure(identifier)) =
                        self.directory.on_key(&self.session, command)
                    {
                        self.toolbar.siret = identifier;
                        self.apply_toolbar(Some(super::toolbar::Action::LookupSiret));
                    }
                }
                Tab::Manager => {
                    super::manager::on_key(&mut self.manager, &mut self.session, command);
                }
                Tab::Deposit | Tab::Accounts => {}
            },
        }
    }

    /// A modal dialog is on screen: it takes the keys itself (see `read`).
    fn modal_open(&self) -> bool {
        self.settings.is_some()
            || self.manager.dialog_open()
            || self.session.pending_deposit.is_some()
            || self.session.pending_directory_shrink.is_some()
    }

    /// Escape: the help window first, then the N° SIRET window, then the detail panel of
    /// the screen (modal dialogs handle Escape themselves).
    fn close_topmost(&mut self) {
        use super::Tab;
        if self.help.open {
            self.help.open = false;
            return;
        }
        if self.toolbar.structure_window_open {
            self.toolbar.structure_window_open = false;
            self.session.siret_result = None;
            return;
        }
        match self.tab {
            Tab::Manager => {
                super::manager::on_key(&mut self.manager, &mut self.session, Command::Close);
            }
            Tab::Control => {
                if let Some(model) = &mut self.control {
                    model.focused = None;
                }
            }
            _ => {}
        }
    }
}
