//! The solid parts of a figure, from its parameters: which shape hangs from which joint,
//! where, and in which of the palette's colours. Clothing and hair change the parts,
//! and so the silhouette.

use bevy::math::primitives::{ConicalFrustum, Cuboid, Sphere};
use bevy::math::{Quat, Vec3};
use bevy::mesh::{Mesh, MeshBuilder, Meshable};
use bevy::transform::components::Transform;

use super::pose::{Dims, Joint};
use crate::levels::{Clothing, Figure, Hair};

/// Which colour a part takes.
/// In the order of a palette's materials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Skin,
    Hair,
    Top,
    Bottom,
    Shoes,
    /// Eyes: dark on a person, glowing on a fear.
    Eyes,
}

/// A part's shape, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Standing on its axis (Y), centred on its middle.
    Frustum {
        top: f32,
        bottom: f32,
        height: f32,
    },
    Ball(f32),
    Block(Vec3),
}

impl Shape {
    pub fn mesh(self) -> Mesh {
        match self {
            Shape::Frustum {
                top,
                bottom,
                height,
            } => ConicalFrustum {
                radius_top: top,
                radius_bottom: bottom,
                height,
            }
            .mesh()
            .resolution(14)
            .build(),
            Shape::Ball(radius) => Sphere::new(radius).mesh().uv(14, 9),
            Shape::Block(size) => Cuboid::from_size(size).mesh().build(),
        }
    }
}

/// One part: its shape, the joint it hangs from, where it sits in that joint's frame
/// (with any squashing), and its colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub joint: Joint,
    pub shape: Shape,
    pub at: Transform,
    pub slot: Slot,
}

/// Every part of `figure`.
pub fn parts(figure: &Figure, d: &Dims) -> Vec<Part> {
    use Joint::*;
    let h = d.height;
    let mut out = Vec::new();
    let mut add = |joint: Joint, shape: Shape, at: Transform, slot: Slot| {
        out.push(Part {
            joint,
            shape,
            at,
            slot,
        });
    };
    let at = |x: f32, y: f32, z: f32| Transform::from_xyz(x, y, z);
    let frustum = |top: f32, bottom: f32, height: f32| Shape::Frustum {
        top,
        bottom,
        height,
    };
    let clothing = figure.clothing;
    let one_piece = matches!(
        clothing,
        Clothing::Dress | Clothing::Jumpsuit | Clothing::Shroud
    );
    let bulk = match clothing {
        Clothing::Hoodie => 1.14,
        Clothing::Coat | Clothing::Shroud => 1.06,
        _ => 1.0,
    };
    // Flattened front to back: a body, not a barrel.
    let flat = Vec3::new(1.0, 1.0, 0.62);

    // Body: hips up to the waist, waist up to the shoulders.
    let hip_r = 0.085 * h * d.breadth;
    let waist_r = 0.075 * h * d.breadth * bulk;
    let chest_r = 0.105 * h * d.breadth * bulk;
    let hips_height = d.pelvis_above_hip + d.waist;
    add(
        Pelvis,
        frustum(waist_r, hip_r, hips_height),
        at(0.0, -d.pelvis_above_hip + hips_height * 0.5, 0.0).with_scale(flat),
        if one_piece { Slot::Top } else { Slot::Bottom },
    );
    add(
        Chest,
        frustum(chest_r, waist_r, d.chest),
        at(0.0, d.chest * 0.5, 0.0).with_scale(flat),
        Slot::Top,
    );
    // Shoulders round off the chest.
    let arm_r = 0.028 * h * d.limb * bulk;
    for x in [-d.shoulder_half, d.shoulder_half] {
        add(
            Chest,
            Shape::Ball(arm_r * 1.35),
            at(x * 0.92, d.chest - arm_r * 0.4, 0.0),
            Slot::Top,
        );
    }
    // Neck and head; eyes and a nose say which way the face is.
    let neck_r = 0.028 * h * d.breadth.min(1.1);
    add(
        Chest,
        frustum(neck_r, neck_r * 1.15, d.neck * 1.2),
        at(0.0, d.chest + d.neck * 0.5, 0.0),
        Slot::Skin,
    );
    let head = d.head;
    let centre = Vec3::Y * head * 0.92;
    add(
        Head,
        Shape::Ball(head),
        Transform::from_translation(centre).with_scale(Vec3::new(0.86, 1.0, 0.94)),
        Slot::Skin,
    );
    for x in [-0.36, 0.36] {
        add(
            Head,
            Shape::Ball(head * 0.13),
            Transform::from_translation(centre + Vec3::new(x * head, 0.1 * head, -0.83 * head)),
            Slot::Eyes,
        );
    }
    add(
        Head,
        Shape::Block(Vec3::new(0.16, 0.3, 0.22) * head),
        Transform::from_translation(centre + Vec3::new(0.0, -0.12 * head, -0.95 * head)),
        Slot::Skin,
    );

    // Arms: sleeves to the wrist, or bare forearms under a dress's short sleeves.
    let sleeve: f32 = match clothing {
        Clothing::Shroud => 1.7,
        Clothing::Hoodie | Clothing::Coat => 1.15,
        _ => 1.0,
    };
    for (shoulder, elbow, hand) in [(ShoulderL, ElbowL, HandL), (ShoulderR, ElbowR, HandR)] {
        add(
            shoulder,
            frustum(arm_r, arm_r * 0.85, d.upper_arm),
            at(0.0, -d.upper_arm * 0.5, 0.0),
            Slot::Top,
        );
        add(
            elbow,
            frustum(
                arm_r * 0.85 * sleeve.min(1.2),
                arm_r * 0.68 * sleeve,
                d.forearm,
            ),
            at(0.0, -d.forearm * 0.5, 0.0),
            if clothing == Clothing::Dress {
                Slot::Skin
            } else {
                Slot::Top
            },
        );
        add(
            hand,
            Shape::Ball(d.hand * 0.5),
            at(0.0, -d.hand * 0.45, 0.0).with_scale(Vec3::new(0.7, 1.0, 0.9)),
            Slot::Skin,
        );
    }

    // Legs and shoes.
    let thigh_r = 0.045 * h * d.limb;
    let shin_r = 0.034 * h * d.limb;
    let legs = if clothing == Clothing::Jumpsuit {
        Slot::Top
    } else {
        Slot::Bottom
    };
    for (hip, knee, ankle) in [(HipL, KneeL, AnkleL), (HipR, KneeR, AnkleR)] {
        add(
            hip,
            frustum(thigh_r * 0.8, thigh_r, d.thigh),
            at(0.0, -d.thigh * 0.5, 0.0),
            legs,
        );
        add(
            knee,
            frustum(shin_r * 0.7, shin_r, d.shin),
            at(0.0, -d.shin * 0.5, 0.0),
            legs,
        );
        let shoe = Vec3::new(0.055 * h * d.limb.max(0.8), d.ankle * 1.25, 0.15 * h);
        add(
            ankle,
            Shape::Block(shoe),
            at(0.0, -d.ankle + shoe.y * 0.5, -0.035 * h),
            Slot::Shoes,
        );
    }

    // What hangs from the waist: a coat's flare, a skirt, a robe.
    let hem = |length: f32, flare: f32| {
        (
            frustum(waist_r * 1.04, hip_r * flare, length),
            at(0.0, d.waist - length * 0.5, 0.0).with_scale(Vec3::new(1.0, 1.0, 0.8)),
        )
    };
    let skirt = match clothing {
        Clothing::Coat => Some(hem(d.waist + d.thigh * 0.85, 1.45)),
        Clothing::Dress => Some(hem(d.waist + d.thigh + d.shin * 0.45, 2.0)),
        Clothing::Shroud => Some(hem(d.waist + d.thigh + d.shin * 0.75, 1.75)),
        Clothing::Hoodie | Clothing::Jumpsuit => None,
    };
    if let Some((shape, place)) = skirt {
        add(Pelvis, shape, place, Slot::Top);
    }
    match clothing {
        Clothing::Hoodie => add(
            Chest,
            Shape::Ball(head * 0.95),
            at(0.0, d.chest + head * 0.2, head * 0.85).with_scale(Vec3::new(1.1, 0.8, 0.9)),
            Slot::Top,
        ),
        Clothing::Shroud => add(
            Head,
            Shape::Ball(head * 1.28),
            Transform::from_translation(centre + Vec3::new(0.0, 0.12 * head, 0.22 * head))
                .with_scale(Vec3::new(1.0, 1.1, 1.05)),
            Slot::Top,
        ),
        Clothing::Jumpsuit => add(
            Pelvis,
            frustum(waist_r * 1.03, waist_r * 1.05, 0.025 * h),
            at(0.0, d.waist * 0.55, 0.0).with_scale(flat),
            Slot::Shoes,
        ),
        Clothing::Coat | Clothing::Dress => {}
    }

    // Hair, over the top and back of the head: the face stays clear.
    let cap = |scale: f32| {
        Transform::from_translation(centre + Vec3::new(0.0, 0.14 * head, 0.16 * head))
            .with_scale(Vec3::new(0.92, 0.9, 0.98) * scale)
    };
    let ball = Shape::Ball(head);
    match figure.hair {
        Hair::None => {}
        Hair::Cropped => add(Head, ball, cap(1.0), Slot::Hair),
        Hair::Short => add(Head, ball, cap(1.08), Slot::Hair),
        Hair::Bob => {
            add(Head, ball, cap(1.06), Slot::Hair);
            add(
                Head,
                ball,
                Transform::from_translation(centre + Vec3::new(0.0, -0.1 * head, 0.22 * head))
                    .with_scale(Vec3::new(1.08, 0.92, 0.95)),
                Slot::Hair,
            );
        }
        Hair::Long => {
            add(Head, ball, cap(1.06), Slot::Hair);
            add(
                Head,
                Shape::Block(Vec3::new(1.75, 2.9, 0.55) * head),
                Transform::from_translation(centre + Vec3::new(0.0, -1.05 * head, 0.62 * head)),
                Slot::Hair,
            );
        }
        Hair::Ponytail => {
            add(Head, ball, cap(1.04), Slot::Hair);
            let tail = 2.4 * head;
            add(
                Head,
                frustum(0.26 * head, 0.1 * head, tail),
                Transform::from_translation(
                    centre + Vec3::new(0.0, 0.05 * head - tail * 0.45, 1.05 * head),
                )
                .with_rotation(Quat::from_rotation_x(-0.3)),
                Slot::Hair,
            );
        }
        Hair::Bun => {
            add(Head, ball, cap(1.04), Slot::Hair);
            add(
                Head,
                Shape::Ball(head * 0.48),
                Transform::from_translation(centre + Vec3::new(0.0, 0.8 * head, 0.62 * head)),
                Slot::Hair,
            );
        }
        Hair::Curls => add(
            Head,
            ball,
            Transform::from_translation(centre + Vec3::new(0.0, 0.2 * head, 0.2 * head))
                .with_scale(Vec3::splat(1.3)),
            Slot::Hair,
        ),
    }
    out
}
