package eos

import "fmt"

// trajectory is one GD run as the claims see it, on the toy or on MNIST:
// the loss at every step, the sharpness at the measured steps, and t*.
type trajectory struct {
	label string  // the run's group, e.g. "η=0.2" or "2/η=3·S₀"
	eta   float64 // step size
	loss  []float64
	steps []int // measured steps
	sharp []float64
	cross int // t*, the first measured step with S ≥ 2/η (−1: never)
}

// edgeRatios is S·η/2 at the measurements in the window (t*, t*+window].
func (r trajectory) edgeRatios(window int) []float64 {
	var x []float64
	if r.cross < 0 {
		return x
	}
	for i, t := range r.steps {
		if t > r.cross && t <= r.cross+window {
			x = append(x, r.sharp[i]*r.eta/2)
		}
	}
	return x
}

// windowLoss is L(θₜ) for t = t* … t*+window (shorter when the run ends first).
func (r trajectory) windowLoss(window int) []float64 {
	if r.cross < 0 || r.cross >= len(r.loss) {
		return nil
	}
	return r.loss[r.cross:min(len(r.loss), r.cross+window+1)]
}

// lossIncreases counts the steps with Lₜ₊₁ > Lₜ·(1 + tol): the loss went up.
func lossIncreases(loss []float64, tol float64) int {
	n := 0
	for t := 1; t < len(loss); t++ {
		if loss[t] > loss[t-1]*(1+tol) {
			n++
		}
	}
	return n
}

// LossIncreases counts the steps of a float64 toy run whose loss went up:
// Lₜ₊₁ > Lₜ·(1 + 10⁻¹²).
func LossIncreases(loss []float64) int { return lossIncreases(loss, increaseTol) }

// toyGroups are the toy's edge runs, one group per step size, in config order.
func toyGroups(res *Results) [][]trajectory {
	var out [][]trajectory
	for _, r := range res.Runs {
		if r.Control {
			continue
		}
		t := trajectory{label: fmt.Sprintf("η=%g", r.Eta), eta: r.Eta, loss: r.Loss,
			steps: r.SharpSteps, sharp: r.Sharpness, cross: r.CrossStep}
		if n := len(out); n > 0 && out[n-1][0].eta == r.Eta {
			out[n-1] = append(out[n-1], t)
		} else {
			out = append(out, []trajectory{t})
		}
	}
	return out
}

// toyControl are the toy's control runs.
func toyControl(res *Results) []trajectory {
	var out []trajectory
	for _, r := range res.Runs {
		if r.Control {
			out = append(out, trajectory{label: fmt.Sprintf("η = %g (2/η = %g)", r.Eta, 2/r.Eta), eta: r.Eta,
				loss: r.Loss, steps: r.SharpSteps, sharp: r.Sharpness, cross: r.CrossStep})
		}
	}
	return out
}

func mnistTrajectory(r MNISTRun) trajectory {
	return trajectory{label: fmt.Sprintf("2/η=%g·S₀", r.Multiple), eta: r.Eta, loss: r.Loss,
		steps: r.SharpSteps, sharp: r.Sharpness, cross: r.CrossStep}
}

// mnistGroups are the MNIST study's edge runs, one group per multiple m (2/η = m·S₀).
func mnistGroups(res *Results) [][]trajectory {
	var out [][]trajectory
	for _, r := range res.MNIST.Runs {
		if r.Control {
			continue
		}
		if n := len(out); n > 0 && out[n-1][0].label == mnistTrajectory(r).label {
			out[n-1] = append(out[n-1], mnistTrajectory(r))
		} else {
			out = append(out, []trajectory{mnistTrajectory(r)})
		}
	}
	return out
}

// mnistControl are the MNIST study's control runs.
func mnistControl(res *Results) []trajectory {
	var out []trajectory
	for _, r := range res.MNIST.Runs {
		if r.Control {
			out = append(out, mnistTrajectory(r))
		}
	}
	return out
}
