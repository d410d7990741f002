print("dynix")
