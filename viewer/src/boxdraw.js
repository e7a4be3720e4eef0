// Drawing a box (rectangle, rectangular cloud) as in Bluebeam or Acrobat: press, drag, release.
// Click, move, click still works: a press released where it started fixes the first corner, the
// box follows the pointer, and the next click (or a drag) fixes the second. The gesture is the
// tool's while it is active, so the map does not pan under it.

import Feature from 'ol/Feature.js';
import { fromExtent } from 'ol/geom/Polygon.js';
import PointerInteraction from 'ol/interaction/Pointer.js';

export class BoxDraw extends PointerInteraction {
  constructor({ source, style, onEnd, tolerancePx = 4 }) {
    super();
    this.source = source;
    this.sketchStyle = style;
    this.onEnd = onEnd;
    this.tolerancePx = tolerancePx;
    this.reset();
  }

  reset() {
    this.start = null; // first corner (map coordinates)
    this.downPx = null;
    this.waiting = false; // the first corner was clicked: the next click ends the box
    this.feature = null;
  }

  update(coord) {
    const [x0, y0] = this.start;
    const extent = [Math.min(x0, coord[0]), Math.min(y0, coord[1]), Math.max(x0, coord[0]), Math.max(y0, coord[1])];
    if (!this.feature) {
      this.feature = new Feature(fromExtent(extent));
      this.feature.setStyle(this.sketchStyle);
      this.source.addFeature(this.feature);
    } else this.feature.setGeometry(fromExtent(extent));
  }

  handleDownEvent(e) {
    const button = e.originalEvent && e.originalEvent.button;
    if (button !== undefined && button !== 0) return false;
    this.downPx = e.pixel;
    if (!this.start) this.start = e.coordinate;
    return true;
  }

  handleDragEvent(e) {
    if (this.start) this.update(e.coordinate);
  }

  handleMoveEvent(e) {
    if (this.start && this.waiting) this.update(e.coordinate);
  }

  handleUpEvent(e) {
    const d = this.downPx ? Math.hypot(e.pixel[0] - this.downPx[0], e.pixel[1] - this.downPx[1]) : 0;
    const far = this.start && Math.hypot(...this.pixelOf(this.start).map((v, i) => v - e.pixel[i])) > this.tolerancePx;
    if ((d > this.tolerancePx || this.waiting) && far) {
      this.update(e.coordinate);
      const feature = this.feature;
      this.reset();
      this.onEnd(feature);
    } else this.waiting = true; // a click: the first corner is fixed, the box follows the pointer
    return false;
  }

  pixelOf(coord) {
    return this.getMap().getPixelFromCoordinate(coord);
  }

  abortDrawing() {
    if (this.feature) this.source.removeFeature(this.feature);
    this.reset();
  }
}
