/** Plays template through the one engine in core/template (shared with inventories). */
export {
  conditionHolds,
  evaluate,
  isTemplated,
  pythonRepr,
  render,
  renderDeep,
  renderText,
  truthy,
} from '../template/index.js';
