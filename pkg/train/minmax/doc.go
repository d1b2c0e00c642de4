// Package minmax trains the two players of a min-max game (a GAN's generator
// and discriminator) with GoMLX optimizers, R independent runs at once on a
// leading run axis, one compiled step reused over every iteration.
//
// One Step is, in order:
//
//  1. the max player (discriminator) takes one step of its optimizer on its
//     own loss L_D(θ_G, θ_D), with θ_G held fixed;
//  2. the min player (generator) takes one step on its own loss
//     L_G(θ_G, θ_D′), where θ_D′ is the discriminator after step 1
//     (alternating updates, as in standard GAN code) or before it
//     (Simultaneous: both players see the same old parameters).
//
// The two losses may differ (the non-saturating GAN is not zero-sum): each
// player follows the gradient of its own loss. Both players see the same
// minibatch tensors of the step. Gradients never flow from one player's
// loss into the other player's parameters.
package minmax
