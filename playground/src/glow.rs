//! Running scripts glow in the editor, as in Scratch: the page asks which blocks start the
//! scripts that have a live thread.

use starling_runtime::program::SourceLoc;
use starling_runtime::Vm;

/// The .sb3 block id of the first block of each running script. Text programs have no block
/// ids and give none.
pub fn running_block_ids(vm: &Vm) -> Vec<String> {
    let program = vm.program();
    vm.running_scripts()
        .into_iter()
        .filter_map(|s| {
            let script = program.scripts.get(s as usize)?;
            let chunk = program.chunks.get(script.chunk as usize)?;
            chunk.locs.iter().find_map(|loc| match loc {
                SourceLoc::Block(id) => Some(id.clone()),
                _ => None,
            })
        })
        .collect()
}

#[cfg(target_arch = "wasm32")]
mod exports {
    #![allow(unsafe_code)]
    use wasm_bindgen::prelude::*;

    use crate::web::Playground;

    #[wasm_bindgen]
    impl Playground {
        /// See [`super::running_block_ids`], as a JSON array: the editor makes the scripts
        /// holding these blocks glow.
        pub fn running_block_ids(&self) -> String {
            let ids = self
                .session
                .vm()
                .map(super::running_block_ids)
                .unwrap_or_default();
            serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_forever_script_reports_its_hat_block() {
        let project = crate::session::tests::one_sprite_project(
            r#"{"hat":{"opcode":"event_whenflagclicked","next":"loop","parent":null,"inputs":{},
                     "fields":{},"shadow":false,"topLevel":true,"x":0,"y":0},
              "loop":{"opcode":"control_forever","next":null,"parent":"hat",
                      "inputs":{"SUBSTACK":[2,"turn"]},"fields":{},"shadow":false,"topLevel":false},
              "turn":{"opcode":"motion_turnright","next":null,"parent":"loop",
                      "inputs":{"DEGREES":[1,[4,"15"]]},"fields":{},"shadow":false,"topLevel":false},
              "once":{"opcode":"event_whenflagclicked","next":null,"parent":null,"inputs":{},
                      "fields":{},"shadow":false,"topLevel":true,"x":0,"y":200}}"#,
        );
        let mut session = crate::Session::new();
        let report = session.load_project_json(&project);
        assert!(report.loaded, "{:?}", report.diagnostics);
        let vm = session.vm().expect("loaded");
        assert!(running_block_ids(vm).is_empty());
        session.green_flag();
        session.step_frame();
        let ids = running_block_ids(session.vm().expect("loaded"));
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert!(
            ids[0] == "hat" || ids[0] == "loop" || ids[0] == "turn",
            "{ids:?}"
        );
    }
}
