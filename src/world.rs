//! The dream in play, as the game holds it: the generated dream that Juno walks on, the
//! nightmare's rules play out in and the looks draw. The dive sets it at each loop; it
//! lives here, below both the dive and Juno's body, so neither imports the other's way.

use std::sync::Arc;

use bevy::prelude::*;

use crate::dream::Dream;

/// The dream being played. Systems that need the ground (camera, controller) read it here.
#[derive(Resource, Clone, Deref)]
pub struct CurrentDream(pub Arc<Dream>);
